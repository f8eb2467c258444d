package results

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// maxNameLen bounds condition and column names.
const maxNameLen = 128

// Dir returns the name of the run sub-directory that holds tables of kind k:
// "timeseries" or "summary".
func (k Kind) Dir() string { return k.String() }

// ValidCondition reports whether name may be used as a condition name, and so
// as a Hive partition value in a directory name ("condition=<name>"). A valid
// name is 1 to 128 ASCII letters, digits and the characters '.', '_', '-',
// '@' and ',', and does not start with '.' or '-'. In particular it has no
// slash, space, '=' (which breaks Hive-partition parsers such as DuckDB's) or
// other character that a shell, a URL or a Hive-partition parser would treat
// specially, and cannot be "." or "..". Sweeps name conditions key@value.
func ValidCondition(name string) error {
	if err := validName(name, "@.,"); err != nil {
		return fmt.Errorf("results: invalid condition name %q: %w", name, err)
	}
	return nil
}

// ValidColumnName reports whether name may be used as a value column name: 1
// to 128 ASCII letters, digits, '_', '.' and '-', not starting with '.' or
// '-', and not one of the reserved names "replicate" and "t_ms". Names made
// only of letters, digits and '_' that do not start with a digit need no
// quoting in SQL.
func ValidColumnName(name string) error {
	err := validName(name, ".")
	if err == nil && (name == ColReplicate || name == ColTime) {
		err = fmt.Errorf("reserved name")
	}
	if err != nil {
		return fmt.Errorf("results: invalid column name %q: %w", name, err)
	}
	return nil
}

// validName checks the rules shared by condition and column names; extra
// lists the punctuation allowed besides '_' and '-'.
func validName(name, extra string) error {
	if name == "" {
		return fmt.Errorf("empty")
	}
	if len(name) > maxNameLen {
		return fmt.Errorf("longer than %d bytes", maxNameLen)
	}
	if name[0] == '.' || name[0] == '-' {
		return fmt.Errorf("starts with %q", name[0])
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		case c < 0x80 && containsByte(extra, c):
		default:
			return fmt.Errorf("character %q not allowed", rune(c))
		}
	}
	return nil
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// ConditionDir returns the Hive-style partition directory of a condition:
// runDir/<kind>/condition=<condition>, e.g. "out/run1/timeseries/condition=control".
//
// It panics if kind is invalid or condition fails ValidCondition: condition
// names are meant to be checked when the model is validated.
func ConditionDir(runDir string, kind Kind, condition string) string {
	if !kind.Valid() {
		panic(fmt.Sprintf("results.ConditionDir: invalid kind %v", kind))
	}
	if err := ValidCondition(condition); err != nil {
		panic("results.ConditionDir: " + err.Error())
	}
	return filepath.Join(runDir, kind.Dir(), "condition="+condition)
}

// PartPath returns the path of the chunk-th part file of a condition:
// ConditionDir(runDir, kind, condition)/part-NNNNN.parquet with chunk zero-padded
// to 5 digits (more digits when chunk >= 100000), e.g.
// "out/run1/timeseries/condition=control/part-00003.parquet".
//
// It panics if chunk is negative, kind is invalid or condition fails
// ValidCondition.
func PartPath(runDir string, kind Kind, condition string, chunk int) string {
	if chunk < 0 {
		panic(fmt.Sprintf("results.PartPath: negative chunk %d", chunk))
	}
	return filepath.Join(ConditionDir(runDir, kind, condition), fmt.Sprintf("part-%05d.parquet", chunk))
}

// Checksum returns the lower-case hex SHA-256 digest of the file at path.
func Checksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("results: checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("results: checksum %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
