package table

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Kind is the logical type of a table column.
type Kind uint8

const (
	KindInvalid Kind = iota
	KindInt64
	KindInt32
	KindUint64 // INT64 annotated unsigned (seeds)
	KindFloat64
	KindString
	KindBool
	KindDate            // DATE: a calendar day, stored as days since 1970-01-01
	KindTimestampMillis // TIMESTAMP(MILLIS, adjusted to UTC)
	KindFloat64List     // LIST of required DOUBLE (a run's quantiles); DuckDB reads DOUBLE[]
	// KindEnum is a string column whose values come from a fixed list (Column.Values),
	// appended by their index. In the file it is an ordinary dictionary-encoded string
	// column; the writer hands the indices to the Parquet encoder as they are, so the
	// strings are neither copied per row nor hashed back into a dictionary.
	KindEnum
)

var kindNames = [...]string{"invalid", "int64", "int32", "uint64", "float64", "string", "bool", "date", "timestamp_ms", "list<float64>", "enum"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

func (k Kind) arrowType() arrow.DataType {
	switch k {
	case KindInt64:
		return arrow.PrimitiveTypes.Int64
	case KindInt32:
		return arrow.PrimitiveTypes.Int32
	case KindUint64:
		return arrow.PrimitiveTypes.Uint64
	case KindFloat64:
		return arrow.PrimitiveTypes.Float64
	case KindString:
		return arrow.BinaryTypes.String
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindTimestampMillis:
		return arrow.FixedWidthTypes.Timestamp_ms // carries tz=UTC
	case KindFloat64List:
		return arrow.ListOfNonNullable(arrow.PrimitiveTypes.Float64)
	case KindEnum:
		return enumType
	}
	return nil
}

// enumType is the file's type of an enum column; its rows are built as int32 indices.
var enumType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}

// builderType is the type rows of kind k are appended as.
func (k Kind) builderType() arrow.DataType {
	if k == KindEnum {
		return arrow.PrimitiveTypes.Int32
	}
	return k.arrowType()
}

// Column declares one column of a table. Build it with the Kind constructors
// (Int64Col, StringCol, ...), which pick the dictionary default for the kind.
type Column struct {
	Name     string // snake_case, unit last: "amount_micros", "first_response_p90_s"
	Kind     Kind
	Nullable bool // OPTIONAL in Parquet; otherwise REQUIRED and every row must have a value
	// Dict turns Parquet dictionary encoding on. It pays for low-cardinality columns
	// (currency, category, run_id); for high-cardinality numbers (times, amounts) the
	// dictionary overflows into plain pages anyway, so it only costs time and bytes.
	Dict bool
	// Delta stores an integer column DELTA_BINARY_PACKED: ids and times that mostly
	// grow by small steps shrink to a few bits a value before compression, which is
	// then much cheaper. Every Parquet reader decodes it (it is in the format since 2.0).
	Delta bool
	// Values is the fixed vocabulary of a KindEnum column (distinct strings).
	Values []string
}

// Int64Col is a plain-encoded int64 column (amounts, counts, times).
func Int64Col(name string) Column { return Column{Name: name, Kind: KindInt64} }

// Int32Col is a plain-encoded int32 column.
func Int32Col(name string) Column { return Column{Name: name, Kind: KindInt32} }

// Uint64Col is a plain-encoded unsigned 64-bit column.
func Uint64Col(name string) Column { return Column{Name: name, Kind: KindUint64} }

// Float64Col is a plain-encoded float64 column (shares, seconds, parameter values).
func Float64Col(name string) Column { return Column{Name: name, Kind: KindFloat64} }

// StringCol is a dictionary-encoded string column: our strings are vocabularies and ids
// that repeat.
func StringCol(name string) Column { return Column{Name: name, Kind: KindString, Dict: true} }

// EnumCol is a string column of the given distinct values, appended by index
// (EnumAppender): a vocabulary such as a status or a pricing category.
func EnumCol(name string, values []string) Column {
	return Column{Name: name, Kind: KindEnum, Dict: true, Values: values}
}

// BoolCol is a boolean column.
func BoolCol(name string) Column { return Column{Name: name, Kind: KindBool} }

// Float64ListCol is a column holding a list of float64 per row.
func Float64ListCol(name string) Column { return Column{Name: name, Kind: KindFloat64List} }

// DateCol is a DATE column.
func DateCol(name string) Column { return Column{Name: name, Kind: KindDate} }

// TimestampMillisCol is a TIMESTAMP(MILLIS, UTC) column.
func TimestampMillisCol(name string) Column { return Column{Name: name, Kind: KindTimestampMillis} }

// WithDict returns c with dictionary encoding set to on.
func (c Column) WithDict(on bool) Column { c.Dict = on; return c }

// WithDelta returns c stored DELTA_BINARY_PACKED (integer kinds), without dictionary.
func (c Column) WithDelta() Column { c.Delta, c.Dict = true, false; return c }

// OrNull returns c as a nullable column.
func (c Column) OrNull() Column { c.Nullable = true; return c }

// enumDictionary is the values of an enum column as the dictionary every batch shares.
func enumDictionary(c Column) (arrow.Array, error) {
	if len(c.Values) == 0 {
		return nil, fmt.Errorf("enum column %q has no values", c.Name)
	}
	seen := make(map[string]bool, len(c.Values))
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for _, v := range c.Values {
		if seen[v] {
			return nil, fmt.Errorf("enum column %q lists %q twice", c.Name, v)
		}
		seen[v] = true
		b.Append(v)
	}
	return b.NewArray(), nil
}

// snakeCase reports whether name is a lowercase identifier: every engine (DuckDB,
// Spark, pandas) then takes it without quoting.
func snakeCase(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
