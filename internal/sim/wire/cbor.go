package wire

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// EncodeCBOR encodes v for the Smithy RPC v2 CBOR protocol. Structs are
// maps keyed by their json tag names (omitempty is honoured), time.Time is
// an epoch-seconds timestamp (tag 1), []byte a byte string.
func EncodeCBOR(v any) ([]byte, error) {
	if v == nil {
		return cbor.Encode(cbor.Map{}), nil
	}
	cv, err := toCBOR(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	if cv == nil {
		cv = cbor.Map{}
	}
	return cbor.Encode(cv), nil
}

var timeType = reflect.TypeOf(time.Time{})

func toCBOR(v reflect.Value) (cbor.Value, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixMilli()) / 1000)}, nil
	}
	switch v.Kind() {
	case reflect.String:
		return cbor.String(v.String()), nil
	case reflect.Bool:
		return cbor.Bool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n < 0 {
			return cbor.NegInt(uint64(-n)), nil
		}
		return cbor.Uint(uint64(n)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cbor.Uint(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return cbor.Float64(v.Float()), nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return cbor.Slice(v.Bytes()), nil
		}
		out := make(cbor.List, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e, err := toCBOR(v.Index(i))
			if err != nil {
				return nil, err
			}
			if e == nil {
				e = &cbor.Nil{}
			}
			out = append(out, e)
		}
		return out, nil
	case reflect.Map:
		out := cbor.Map{}
		it := v.MapRange()
		for it.Next() {
			e, err := toCBOR(it.Value())
			if err != nil {
				return nil, err
			}
			if e != nil {
				out[fmt.Sprint(it.Key().Interface())] = e
			}
		}
		return out, nil
	case reflect.Struct:
		out := cbor.Map{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fv := v.Field(i)
			if strings.Contains(opts, "omitempty") && fv.IsZero() {
				continue
			}
			e, err := toCBOR(fv)
			if err != nil {
				return nil, err
			}
			if e != nil {
				out[name] = e
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("cbor: cannot encode %s", v.Type())
}

// DecodeCBOR decodes a CBOR request body into plain Go values:
// map[string]any, []any, string, float64, int64, bool, []byte, time.Time.
func DecodeCBOR(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return map[string]any{}, nil
	}
	v, err := cbor.Decode(b)
	if err != nil {
		return nil, Errorf(400, "SerializationException", "could not decode CBOR body: %v", err)
	}
	m, ok := fromCBOR(v).(map[string]any)
	if !ok {
		return nil, Errorf(400, "SerializationException", "CBOR body is not a map")
	}
	return m, nil
}

func fromCBOR(v cbor.Value) any {
	switch x := v.(type) {
	case cbor.Map:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = fromCBOR(e)
		}
		return m
	case cbor.List:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = fromCBOR(e)
		}
		return l
	case cbor.String:
		return string(x)
	case cbor.Uint:
		return int64(x)
	case cbor.NegInt:
		return -int64(x)
	case cbor.Float32:
		return float64(x)
	case cbor.Float64:
		return float64(x)
	case cbor.Bool:
		return bool(x)
	case cbor.Slice:
		return []byte(x)
	case *cbor.Tag:
		if x.ID == 1 {
			switch t := x.Value.(type) {
			case cbor.Float64:
				return time.UnixMilli(int64(float64(t) * 1000)).UTC()
			case cbor.Uint:
				return time.Unix(int64(t), 0).UTC()
			}
		}
		return fromCBOR(x.Value)
	}
	return nil
}
