package main

// mc export: write a model's geometry or a run's snapshots in the formats
// of ParaView, Blender and VMD. This file holds the parent command and its
// geometry and snapshots subcommands; the parent itself exports whole
// results tables (CSV, Parquet; export.go).

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/cmd/mc/internal/view"
)

func newExportCmd() *cobra.Command {
	c := newExportTableCmd()
	c.Use = "export RUN_DIR --table TABLE | export geometry MODEL | export snapshots RUN_DIR"
	c.Short = "Export a run's tables (CSV, Parquet), a model's geometry or a run's snapshots (ParaView, Blender, VMD)"
	c.AddCommand(newExportGeometryCmd(), newExportSnapshotsCmd())
	return c
}

type exportFlags struct {
	preset     string
	format     string
	out        string
	force      bool
	sets       []string
	boundaries bool
	condition  string
	replicate  int
}

func checkExportFormat(format string, allowed []string) error {
	if !slices.Contains(allowed, format) {
		return &exitError{exitUsage, fmt.Errorf("--format %q: want one of %s", format, strings.Join(allowed, ", "))}
	}
	return nil
}

func refuseExistingOutput(path string, force bool) error {
	if _, err := os.Stat(path); err == nil && !force {
		return &exitError{exitUsage, fmt.Errorf("%s exists: use --force to overwrite it, or -o another path", path)}
	}
	return nil
}

func newExportGeometryCmd() *cobra.Command {
	var f exportFlags
	c := &cobra.Command{
		Use:   "geometry [MODEL.yaml]",
		Short: "Write the membrane tiles of a model, merged into rectangles, by region (VTK, PLY or OBJ)",
		Long: `Export geometry writes the membranes of a model (default: the default preset)
as rectangles merged from its voxel-face tiles, one region per group (OBJ),
face property (PLY) or cell scalar (VTK). Coordinates are in µm.

  mc export geometry --preset glutamate-ca1 --format vtk   # glutamate-ca1.vtk
  mc export geometry model.yaml --format obj -o model.obj`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkExportFormat(f.format, view.GeometryFormats()); err != nil {
				return err
			}
			name, file, m, err := compileModel(f.preset, f.sets, args)
			if err != nil {
				return err
			}
			s, err := view.FromModel(m, name, file, m.Spec.Run.Seed, 0)
			if err != nil {
				return err
			}
			out := f.out
			if out == "" {
				if len(args) == 1 {
					out = strings.TrimSuffix(args[0], filepath.Ext(args[0])) + "." + f.format
				} else {
					out = name + "." + f.format
				}
			}
			if err := refuseExistingOutput(out, f.force); err != nil {
				return err
			}
			var buf bytes.Buffer
			names, err := view.WriteGeometry(&buf, s, f.format, f.boundaries)
			if err != nil {
				return err
			}
			if err := writeViewFile(out, buf.Bytes()); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s (%.1f MB): regions", out, float64(buf.Len())/(1<<20))
			for i, n := range names {
				fmt.Fprintf(w, " %d=%s", i, n)
			}
			fmt.Fprintln(w)
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.preset, "preset", "", "export a built-in model (see mc presets list)")
	fl.StringVar(&f.format, "format", "vtk", "vtk, ply or obj")
	fl.StringVarP(&f.out, "out", "o", "", "output file (default: the model's name with the format's extension)")
	fl.BoolVar(&f.force, "force", false, "overwrite an existing output file")
	fl.StringArrayVar(&f.sets, "set", nil, "override a model field (repeatable)")
	fl.BoolVar(&f.boundaries, "boundaries", false, "also write the absorbing boundary and the edge of the grid")
	return c
}

func newExportSnapshotsCmd() *cobra.Command {
	var f exportFlags
	c := &cobra.Command{
		Use:   "snapshots RUN",
		Short: "Write the molecules of a run's snapshots as XYZ (one multi-frame file) or VTK points (one file per frame)",
		Long: `Export snapshots writes the free molecules of one replicate of a run (recorded
with mc run --snapshots 50us) for VMD or OVITO (XYZ, nm, one file with every
frame) or ParaView (a folder of legacy VTK point files, µm, with a
.vtk.series index that ParaView opens as a time series).

  mc export snapshots out/v --format xyz              # out/v.xyz
  mc export snapshots out/v --format vtk -o out/v-vtk # out/v-vtk/snapshot-00000.vtk ...`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkExportFormat(f.format, view.SnapshotFormats()); err != nil {
				return err
			}
			dir := filepath.Clean(args[0])
			rep := -1
			if cmd.Flags().Changed("replicate") {
				if f.replicate < 0 {
					return &exitError{exitUsage, fmt.Errorf("--replicate must be 0 or more, got %d", f.replicate)}
				}
				rep = f.replicate
			}
			s, err := view.FromRun(dir, view.RunOptions{Condition: f.condition, Replicate: rep, Caps: view.Caps{PerFrame: math.MaxInt, Total: math.MaxInt}})
			if err != nil {
				return &exitError{exitUsage, err}
			}
			if !s.Run.Snapshots {
				return &exitError{exitUsage, fmt.Errorf("run %s has no snapshots table: rerun with mc run %s to record the molecules", dir, view.SnapshotsFlag)}
			}
			return exportSnapshots(cmd.OutOrStdout(), s, dir, &f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.format, "format", "xyz", "xyz or vtk")
	fl.StringVarP(&f.out, "out", "o", "", "output file (xyz) or folder (vtk); default RUN.xyz or RUN-vtk")
	fl.BoolVar(&f.force, "force", false, "overwrite an existing output")
	fl.StringVar(&f.condition, "condition", "", "condition (default: the first)")
	fl.IntVar(&f.replicate, "replicate", 0, "replicate (default: the first present)")
	return c
}

func exportSnapshots(w io.Writer, s *view.Scene, dir string, f *exportFlags) error {
	rd := s.Run
	if f.format == "xyz" {
		out := f.out
		if out == "" {
			out = dir + ".xyz"
		}
		if err := refuseExistingOutput(out, f.force); err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := view.WriteXYZ(&buf, s); err != nil {
			return err
		}
		if err := writeViewFile(out, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s: %d frames of condition %s, replicate %d (nm)\n", out, len(rd.Times), rd.Condition, rd.Replicate)
		return nil
	}
	out := f.out
	if out == "" {
		out = dir + "-vtk"
	}
	if err := refuseExistingOutput(out, f.force); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var series []view.SeriesEntry
	for fi, t := range rd.TimesMS {
		name := fmt.Sprintf("snapshot-%05d.vtk", fi)
		var buf bytes.Buffer
		if err := view.WriteVTKFrame(&buf, s, fi); err != nil {
			return err
		}
		if err := writeViewFile(filepath.Join(out, name), buf.Bytes()); err != nil {
			return err
		}
		series = append(series, view.SeriesEntry{Name: name, Time: t})
	}
	var buf bytes.Buffer
	if err := view.WriteSeries(&buf, series); err != nil {
		return err
	}
	if err := writeViewFile(filepath.Join(out, "snapshots.vtk.series"), buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s/: %d VTK frames of condition %s, replicate %d, and snapshots.vtk.series for ParaView\n", out, len(rd.Times), rd.Condition, rd.Replicate)
	return nil
}
