package transporters_test

import (
	"fmt"

	"github.com/reuptake/reuptake/agents/transporters"
)

// Look up a library model and derive its exact steady-state quantities.
func ExampleDerive() {
	m, err := transporters.Lookup("glt1-bergles2002")
	if err != nil {
		panic(err)
	}
	d, err := transporters.Derive(m.Scheme, m.Substrate)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: Km %.1f µM, kcat %.1f /s, %.0f%% of bound glutamate released again, %.0f e per cycle\n",
		m.Name, d.KmUM, d.KcatPerS, 100*d.Buffering, d.ChargePerCycle)
	// Output: glt1-bergles2002: Km 18.0 µM, kcat 14.0 /s, 35% of bound glutamate released again, 2 e per cycle
}

// The exact mean current of 1000 transporters during and after a 1 ms
// pulse of 1 mM glutamate, from the master equation.
func ExampleChain_Expect() {
	m, _ := transporters.Lookup("glt1-preset")
	ch, err := transporters.NewChain(m.Scheme, m.Substrate, nil)
	if err != nil {
		panic(err)
	}
	rest, _ := ch.Stationary(0)
	ex := ch.Expect(rest, []transporters.Step{{Dur: 1, S: transporters.Conc(1000)}, {Dur: 9, S: 0}}, 1)
	fmt.Printf("charge moved by 1000 transporters in 10 ms: %.0f e\n", 1000*ex.Charge[len(ex.Charge)-1])
	// Output: charge moved by 1000 transporters in 10 ms: 577 e
}
