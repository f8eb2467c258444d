package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/cmd/mc/internal/view"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

type viewFlags struct {
	preset    string
	out       string
	force     bool
	condition string
	replicate int
	sets      []string
	perFrame  int
	model     string
}

func newViewCmd() *cobra.Command {
	var f viewFlags
	c := &cobra.Command{
		Use:   "view [MODEL.yaml | RUN]",
		Short: "Write a 3D view of a model or a run as one self-contained HTML page",
		Long: `View draws a model's geometry (membranes coloured by region, the absorbing
boundary), its sites coloured by type and state, its release points and
probes; given a run directory, it adds the molecules of the run's snapshots
(mc run --snapshots 50us) and the sites' states over time, with a time
slider. The page is one HTML file that needs no network: open it in a
browser. Without an argument it draws the default preset.

  mc view --preset glutamate-ca1          # writes glutamate-ca1.html here
  mc view model.yaml -o model-view.html
  mc run --snapshots 50us --out out/v && mc view out/v   # writes out/v.html`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runView(cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args, cmd.Flags().Changed("replicate"))
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.preset, "preset", "", "draw a built-in model (see mc presets list)")
	fl.StringVarP(&f.out, "out", "o", "", "output HTML file (default: next to the model or run, or NAME.html here for a preset)")
	fl.BoolVar(&f.force, "force", false, "overwrite an existing output file")
	fl.StringVar(&f.condition, "condition", "", "condition of the run to show (default: the first)")
	fl.IntVar(&f.replicate, "replicate", 0, "replicate to show (default: the first present in a run; 0 for a model)")
	fl.StringArrayVar(&f.sets, "set", nil, "override a model field, e.g. --set geometry.width=30nm (models only; repeatable)")
	fl.StringVar(&f.model, "model", "", "for a run: read the geometry from this model file instead of the model stored in the run (e.g. one that reads a mask file by a relative path)")
	fl.IntVar(&f.perFrame, "max-points", view.DefaultCaps().PerFrame, "draw at most this many molecules per snapshot (a uniform subsample above it)")
	return c
}

func runView(stdout, stderr io.Writer, f *viewFlags, args []string, repSet bool) error {
	if f.replicate < 0 {
		return &exitError{exitUsage, fmt.Errorf("--replicate must be 0 or more, got %d", f.replicate)}
	}
	if f.perFrame <= 0 {
		return &exitError{exitUsage, fmt.Errorf("--max-points must be a positive count, got %d", f.perFrame)}
	}
	var (
		s   *view.Scene
		out = f.out
		err error
	)
	isRun := false
	if len(args) == 1 {
		if st, serr := os.Stat(args[0]); serr == nil && st.IsDir() {
			isRun = true
		}
	}
	if isRun {
		if f.preset != "" || len(f.sets) > 0 {
			return &exitError{exitUsage, errors.New("--preset and --set apply to models, not to a run directory")}
		}
		dir := filepath.Clean(args[0])
		rep := -1
		if repSet {
			rep = f.replicate
		}
		caps := view.DefaultCaps()
		caps.PerFrame = f.perFrame
		s, err = view.FromRun(dir, view.RunOptions{Condition: f.condition, Replicate: rep, Caps: caps, ModelFile: f.model})
		if err != nil {
			return &exitError{exitUsage, err}
		}
		if out == "" {
			out = dir + ".html"
		}
		for _, n := range s.Run.Notes {
			fmt.Fprintln(stderr, "note:", n)
		}
	} else {
		if f.condition != "" || f.model != "" {
			return &exitError{exitUsage, errors.New("--condition and --model apply to a run directory, not to a model")}
		}
		name, file, m, err := compileModel(f.preset, f.sets, args)
		if err != nil {
			return err
		}
		title := m.Spec.Name
		if title == "" {
			title = name
		}
		s, err = view.FromModel(m, title, file, m.Spec.Run.Seed, f.replicate)
		if err != nil {
			return err
		}
		if out == "" {
			if len(args) == 1 {
				out = strings.TrimSuffix(args[0], filepath.Ext(args[0])) + ".html"
			} else {
				out = name + ".html"
			}
		}
	}
	if _, err := os.Stat(out); err == nil && !f.force {
		return &exitError{exitUsage, fmt.Errorf("%s exists: use --force to overwrite it, or -o another file", out)}
	}
	var buf bytes.Buffer
	if err := view.WriteHTML(&buf, s); err != nil {
		return err
	}
	if err := writeViewFile(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%.1f MB): open it in a browser\n", out, float64(buf.Len())/(1<<20))
	return nil
}

// writeViewFile writes data to path through a temporary file in the same
// directory renamed into place, so that path holds the old file or the
// whole new one.
func writeViewFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Chmod(name, 0o644); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// compileModel reads the model named by --preset or the one argument,
// applies the --set overrides and compiles it, for the commands that look
// at a model without running it (mc view, mc export geometry).
func compileModel(preset string, sets, args []string) (name, file string, m *montecarlo.Model, err error) {
	name, file, data, err := modelSource(&runFlags{preset: preset}, args)
	if err != nil {
		return "", "", nil, err
	}
	spec, src, err := modelfile.Decode(file, data, sets)
	if err != nil {
		return "", "", nil, &exitError{exitUsage, err}
	}
	m, err = modelfile.Compile(spec, src)
	if err != nil {
		return "", "", nil, &exitError{exitUsage, err}
	}
	return name, file, m, nil
}
