package montecarlo

import (
	"bufio"
	"math"
	"os"
	"path"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/reuptake/reuptake/space"
)

// Memory of a model beyond its grid, in bytes (see modelBytes).
const (
	// fastPathBytesPerVoxel is the fold-box index of every voxel (int32).
	fastPathBytesPerVoxel = 4
	// fastPathBytesPerSurface is a fold box (56 bytes) per voxel next to
	// a membrane, times 2 for the slack of a growing slice.
	fastPathBytesPerSurface = 2 * 56
)

// modelBytes estimates the peak memory of building a model on a grid of n
// voxels: the grid (space.EstimateBytes) and the fold boxes of the fast
// path, each a cost per voxel and one per voxel of the bounding surface.
// TestModelBytesEstimate checks it against the heap measured for several
// sizes.
func modelBytes(n [3]int) int64 {
	nx, ny, nz := int64(n[0]), int64(n[1]), int64(n[2])
	return space.EstimateBytes(n) + nx*ny*nz*fastPathBytesPerVoxel + 2*(nx*ny+ny*nz+nx*nz)*fastPathBytesPerSurface
}

// memoryLimit is the memory a model may take: the smallest of the engine's
// cap (space.MaxGridBytes), the Go memory limit (GOMEMLIMIT), the cgroup
// limit of the process (a Slurm job's --mem) and the physical memory, with
// what set it.
func memoryLimit() (int64, string) {
	limit, what := int64(space.MaxGridBytes), "the engine's cap"
	consider := func(b int64, w string) {
		if b > 0 && b < limit {
			limit, what = b, w
		}
	}
	if l := debug.SetMemoryLimit(-1); l < math.MaxInt64 {
		consider(l, "GOMEMLIMIT")
	}
	for _, f := range cgroupLimitFiles() {
		if b, err := os.ReadFile(f); err == nil {
			if v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
				consider(v, "the job's memory limit (cgroup)")
			}
		}
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fs := strings.Fields(sc.Text()); len(fs) >= 2 && fs[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(fs[1], 10, 64); err == nil {
					consider(kb<<10, "the machine's memory")
				}
			}
		}
	}
	return limit, what
}

// checkGridMemory refuses, before anything is allocated, a grid of n
// voxels of edge h µm whose model would not fit in memory.
func checkGridMemory(path string, n [3]int, h float64) error {
	b := modelBytes(n)
	limit, what := memoryLimit()
	if b <= limit {
		return nil
	}
	// The memory falls as h³ (voxels) at least: the voxel that fits.
	hOK := h * math.Cbrt(float64(b)/float64(limit))
	return fieldErr(path, "a %d×%d×%d grid of %g nm voxels needs about %.1f GiB (%d bytes per voxel and %d per voxel of its surface), more than the %.1f GiB of %s: use voxels of at least %.3g nm or a smaller domain",
		n[0], n[1], n[2], h*1e3, float64(b)/(1<<30), space.BytesPerVoxel+fastPathBytesPerVoxel, space.BytesPerSurface+fastPathBytesPerSurface,
		float64(limit)/(1<<30), what, hOK*1e3)
}

// cgroupLimitFiles lists the files that may hold the memory limit of this
// process's cgroup (v2: memory.max of its cgroup and every ancestor, as a
// Slurm job step sits below its job; v1: memory.limit_in_bytes).
func cgroupLimitFiles() []string {
	files := []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return files
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 || !strings.HasPrefix(f[2], "/") {
			continue
		}
		var root, name string
		switch {
		case f[0] == "0" && f[1] == "":
			root, name = "/sys/fs/cgroup", "memory.max"
		case strings.Contains(","+f[1]+",", ",memory,"):
			root, name = "/sys/fs/cgroup/memory", "memory.limit_in_bytes"
		default:
			continue
		}
		for d := path.Clean(f[2]); d != "/" && d != "."; d = path.Dir(d) {
			files = append(files, path.Join(root, d, name))
		}
	}
	return files
}
