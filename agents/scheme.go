package agents

import (
	"fmt"
	"math"
	"strings"
)

// Kind is the kind of a transition in a kinetic scheme.
type Kind uint8

// Transition kinds.
const (
	// Bind consumes a molecule of Species that hits the site; Rate is k_on
	// in µm³/ms. If Species is a clamped bath species, the transition is
	// pseudo-first-order with rate k_on·[Species].
	Bind Kind = iota
	// Unbind puts one bound molecule of Species back into the medium next
	// to the site; Rate in 1/ms.
	Unbind
	// Transport carries one bound molecule of Species out of the medium
	// (counted as transported, i.e. taken up); Rate in 1/ms.
	Transport
	// Degrade destroys one bound molecule of Species (counted as degraded);
	// Rate in 1/ms.
	Degrade
	// Emit releases a new molecule of Species next to the site (reverse
	// transport, efflux); Rate in 1/ms.
	Emit
	// FirstOrder is a conformational change; Rate in 1/ms.
	FirstOrder
	// Bath is pseudo-first-order binding of a clamped bath species; Rate is
	// k_on in µm³/ms, multiplied by the bath concentration.
	Bath
)

var kindNames = [...]string{"bind", "unbind", "transport", "degrade", "emit", "first-order", "bath"}

// String is the name used in model files.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if s == n {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown transition kind %q (want one of %s)", s, strings.Join(kindNames[:], ", "))
}

// Transition is one edge of a kinetic scheme.
type Transition struct {
	From, To string
	Kind     Kind
	Species  string  // the ligand for Bind, Unbind, Transport, Degrade, Emit, Bath
	Rate     float64 // 1/ms, or µm³/ms for Bind and Bath
	// Charge is the number of elementary charges moved into the cell each
	// time the transition fires (negative: out of the cell), e.g. 2 for the
	// glutamate transported by an EAAT. The engine reports the resulting
	// transporter current. Binding of a diffusing species cannot carry
	// charge (it is decided in the diffusion step); put the charge on the
	// following transition.
	Charge float64
}

// Scheme is a kinetic scheme as data: named states and transitions.
type Scheme struct {
	States      []string
	Initial     string
	Conducting  []string // states in which a receptor's channel is open
	Transitions []Transition
}

// Uni is a unimolecular (exponential waiting time) transition of a compiled
// scheme.
type Uni struct {
	To      int
	Kind    Kind
	Species int // explicit species index, or -1
	Rate    float64
	// Bath names the clamped species of a Bath transition ("" otherwise);
	// KOn is its k_on in µm³/ms, so that Rate = KOn × the bath
	// concentration. An engine whose bath concentrations change in time
	// recomputes Rate from them.
	Bath string
	KOn  float64
	// Charge is the elementary charge moved into the cell when the
	// transition fires (see Transition.Charge).
	Charge float64
}

// BindT is a binding transition driven by hits of a diffusing molecule.
type BindT struct {
	To      int
	Species int
	KOn     float64 // µm³/ms
}

// Compiled is a validated scheme with indexed states.
type Compiled struct {
	States     []string
	Initial    int
	Conducting []bool
	// Held[s][sp] is the number of molecules of explicit species sp bound
	// in state s.
	Held [][]int
	// Out[s] are the unimolecular transitions out of s; KOut[s] their total
	// rate. A Bath transition at zero concentration is listed with Rate 0.
	Out  [][]Uni
	KOut []float64
	// Binds[s] are the hit-driven binding transitions out of s.
	Binds [][]BindT
	// BindsSpecies[s] has bit sp set when state s binds explicit species sp.
	BindsSpecies []uint64

	adj [][]edge // every transition, for the held-count walks
}

// edge is a transition in the walks that count held molecules: delta is
// the change in molecules of explicit species sp (≥ 0) or of the clamped
// species bath.
type edge struct {
	to    int
	delta int
	sp    int
	bath  string
}

// MaxSpecies is the most diffusing species a model may have: a Compiled
// scheme holds the species each state binds as the bits of a uint64
// (BindsSpecies).
const MaxSpecies = 64

// Compile validates s against the model's species: explicit lists the
// diffusing species (index = position), bath gives clamped species and
// their concentration in molecules/µm³. Errors name the offending state,
// transition or species.
func (s *Scheme) Compile(explicit []string, bath map[string]float64) (*Compiled, error) {
	if len(s.States) == 0 {
		return nil, fmt.Errorf("scheme has no states")
	}
	if len(explicit) > MaxSpecies {
		return nil, fmt.Errorf("at most %d diffusing species are supported", MaxSpecies)
	}
	idx := map[string]int{}
	for i, st := range s.States {
		if st == "" {
			return nil, fmt.Errorf("state %d has an empty name", i)
		}
		if _, dup := idx[st]; dup {
			return nil, fmt.Errorf("state %q is defined twice", st)
		}
		idx[st] = i
	}
	spIdx := map[string]int{}
	for i, sp := range explicit {
		spIdx[sp] = i
	}
	n := len(s.States)
	c := &Compiled{States: append([]string(nil), s.States...), Conducting: make([]bool, n),
		Held: make([][]int, n), Out: make([][]Uni, n), KOut: make([]float64, n), Binds: make([][]BindT, n),
		BindsSpecies: make([]uint64, n)}
	init := s.Initial
	if init == "" {
		init = s.States[0]
	}
	var ok bool
	if c.Initial, ok = idx[init]; !ok {
		return nil, fmt.Errorf("initial state %q is not a state of the scheme (states: %s)", init, strings.Join(s.States, ", "))
	}
	for _, st := range s.Conducting {
		i, ok := idx[st]
		if !ok {
			return nil, fmt.Errorf("conducting state %q is not a state of the scheme (states: %s)", st, strings.Join(s.States, ", "))
		}
		c.Conducting[i] = true
	}
	adj := make([][]edge, n)
	for ti, t := range s.Transitions {
		where := fmt.Sprintf("transition %d (%s → %s, %s)", ti+1, t.From, t.To, t.Kind)
		from, ok := idx[t.From]
		if !ok {
			return nil, fmt.Errorf("%s: from-state %q is not defined (states: %s)", where, t.From, strings.Join(s.States, ", "))
		}
		to, ok := idx[t.To]
		if !ok {
			return nil, fmt.Errorf("%s: to-state %q is not defined (states: %s)", where, t.To, strings.Join(s.States, ", "))
		}
		if math.IsNaN(t.Rate) || math.IsInf(t.Rate, 0) || t.Rate <= 0 {
			return nil, fmt.Errorf("%s: rate must be positive and finite, got %v", where, t.Rate)
		}
		if math.IsNaN(t.Charge) || math.IsInf(t.Charge, 0) {
			return nil, fmt.Errorf("%s: charge must be a finite number of elementary charges, got %v", where, t.Charge)
		}
		sp := -1
		conc, isBath := 0.0, false
		switch t.Kind {
		case FirstOrder:
			if t.Species != "" {
				return nil, fmt.Errorf("%s: a first-order transition takes no species", where)
			}
		default:
			if t.Species == "" {
				return nil, fmt.Errorf("%s: needs a species", where)
			}
			if i, ok := spIdx[t.Species]; ok {
				sp = i
			} else if cc, ok := bath[t.Species]; ok {
				conc, isBath = cc, true
			} else {
				return nil, fmt.Errorf("%s: species %q does not exist in the model", where, t.Species)
			}
		}
		switch t.Kind {
		case Bind, Bath:
			if isBath {
				// Kept even at zero concentration (Rate 0): a bath whose
				// concentration changes in time may switch it on.
				c.Out[from] = append(c.Out[from], Uni{To: to, Kind: Bath, Species: -1, Rate: t.Rate * conc, Bath: t.Species, KOn: t.Rate, Charge: t.Charge})
				adj[from] = append(adj[from], edge{to, +1, -1, t.Species})
			} else {
				if t.Kind == Bath {
					return nil, fmt.Errorf("%s: species %q is not a clamped bath species", where, t.Species)
				}
				if t.Charge != 0 {
					return nil, fmt.Errorf("%s: binding of a diffusing species cannot carry charge; put the charge on the next step of the cycle (e.g. the transport)", where)
				}
				c.Binds[from] = append(c.Binds[from], BindT{To: to, Species: sp, KOn: t.Rate})
				c.BindsSpecies[from] |= 1 << sp
				adj[from] = append(adj[from], edge{to, +1, sp, ""})
			}
		case Unbind, Transport, Degrade:
			c.Out[from] = append(c.Out[from], Uni{To: to, Kind: t.Kind, Species: sp, Rate: t.Rate, Charge: t.Charge})
			bathSp := ""
			if isBath {
				bathSp = t.Species
			}
			adj[from] = append(adj[from], edge{to, -1, sp, bathSp})
		case Emit, FirstOrder:
			c.Out[from] = append(c.Out[from], Uni{To: to, Kind: t.Kind, Species: sp, Rate: t.Rate, Charge: t.Charge})
			adj[from] = append(adj[from], edge{to, 0, -1, ""})
		default:
			return nil, fmt.Errorf("%s: unknown kind", where)
		}
	}
	for i := range c.Out {
		for _, u := range c.Out[i] {
			c.KOut[i] += u.Rate
		}
	}
	// Reachability and ligand bookkeeping: walk from the initial state; a
	// state reached with two different bound counts is inconsistent.
	seen := make([]bool, n)
	ns := len(explicit)
	c.Held[c.Initial] = make([]int, ns)
	seen[c.Initial] = true
	queue := []int{c.Initial}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range adj[u] {
			h := append([]int(nil), c.Held[u]...)
			if e.sp >= 0 {
				h[e.sp] += e.delta
				if h[e.sp] < 0 {
					return nil, fmt.Errorf("state %q releases a %s molecule it does not hold", s.States[u], explicit[e.sp])
				}
			}
			if !seen[e.to] {
				seen[e.to] = true
				c.Held[e.to] = h
				queue = append(queue, e.to)
				continue
			}
			for k := range h {
				if h[k] != c.Held[e.to][k] {
					return nil, fmt.Errorf("state %q is reached holding %d and %d molecules of %s: the scheme does not conserve ligand", s.States[e.to], c.Held[e.to][k], h[k], explicit[k])
				}
			}
		}
	}
	c.adj = adj
	var unreachable []string
	for i, ok := range seen {
		if !ok {
			unreachable = append(unreachable, s.States[i])
		}
	}
	if len(unreachable) > 0 {
		return nil, fmt.Errorf("states %s cannot be reached from the initial state %q", strings.Join(unreachable, ", "), s.States[c.Initial])
	}
	return c, nil
}

// HeldBath counts the molecules of the clamped species bath that each state
// holds, walking the transitions from the initial state as Compile does for
// explicit species: a bind (bath transition) of it adds one, an unbind,
// transport or degrade of it removes one. It fails when a state is reached
// with two different counts (e.g. a substrate drug released inside the cell
// by a first-order step), so that its occupancy is not defined.
func (c *Compiled) HeldBath(bath string) ([]int, error) {
	held := make([]int, len(c.States))
	seen := make([]bool, len(c.States))
	seen[c.Initial] = true
	queue := []int{c.Initial}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range c.adj[u] {
			h := held[u]
			if e.bath == bath {
				h += e.delta
			}
			if h < 0 {
				return nil, fmt.Errorf("state %q releases a %s molecule it does not hold", c.States[u], bath)
			}
			if !seen[e.to] {
				seen[e.to], held[e.to] = true, h
				queue = append(queue, e.to)
			} else if held[e.to] != h {
				return nil, fmt.Errorf("state %q is reached holding %d and %d molecules of %s, so its occupancy is not defined", c.States[e.to], held[e.to], h, bath)
			}
		}
	}
	return held, nil
}

// Sites is a struct-of-arrays store of sites: surface sites on membrane
// tiles and volume sites in voxels of the medium (e.g. transporters spread
// through neuropil), all driven by the same kinetic-scheme machinery.
type Sites struct {
	Type  []uint16  // index into the model's site types
	State []uint16  // current state of the site's scheme
	Tile  []int32   // membrane tile holding a surface site, or -1 for a volume site
	Voxel []int32   // voxel holding a volume site, or -1 for a surface site
	Gen   []uint32  // incremented at every state change; stale queued events carry an old value
	Since []float64 // time the site entered its current state, ms
	Next  []float64 // time of its next scheduled unimolecular event, ms (+Inf if none)
}

// Len is the number of sites.
func (s *Sites) Len() int { return len(s.Type) }

// Add appends a surface site on a membrane tile.
func (s *Sites) Add(typ, state uint16, tile int32) int {
	return s.add(typ, state, tile, -1)
}

// AddVolume appends a volume site in a voxel.
func (s *Sites) AddVolume(typ, state uint16, voxel int32) int {
	return s.add(typ, state, -1, voxel)
}

func (s *Sites) add(typ, state uint16, tile, voxel int32) int {
	s.Type = append(s.Type, typ)
	s.State = append(s.State, state)
	s.Tile = append(s.Tile, tile)
	s.Voxel = append(s.Voxel, voxel)
	s.Gen = append(s.Gen, 0)
	s.Since = append(s.Since, 0)
	s.Next = append(s.Next, math.Inf(1))
	return len(s.Type) - 1
}

// Reset empties the store, keeping capacity.
func (s *Sites) Reset() {
	s.Type, s.State, s.Tile, s.Voxel, s.Gen, s.Since, s.Next = s.Type[:0], s.State[:0], s.Tile[:0], s.Voxel[:0], s.Gen[:0], s.Since[:0], s.Next[:0]
}

// BindRate is the total k_on (µm³/ms) of the binds of explicit species sp
// out of state s.
func (c *Compiled) BindRate(s, sp int) float64 {
	k := 0.0
	for _, b := range c.Binds[s] {
		if b.Species == sp {
			k += b.KOn
		}
	}
	return k
}

// PickBind chooses among the binds of species sp out of state s in
// proportion to their k_on, given x uniform in [0, BindRate(s, sp)), and
// returns the state the site goes to (-1 if s binds no sp).
func (c *Compiled) PickBind(s, sp int, x float64) int {
	to := -1
	for _, b := range c.Binds[s] {
		if b.Species != sp {
			continue
		}
		to = b.To
		if x < b.KOn {
			break
		}
		x -= b.KOn
	}
	return to
}
