package api

import (
	"reflect"
	"testing"
)

// Every validated parameter has its Chinese name, so a bad value is told
// as "参数 grid（附表格上下文）取值…" and never with an empty name.
func TestFieldNamesCoverEveryParameter(t *testing.T) {
	for _, v := range []any{workQuery{}, batchQuery{}, templateQuery{}} {
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			label := rt.Field(i).Tag.Get("label")
			if label == "" {
				continue
			}
			if fieldNames[label] == "" {
				t.Errorf("%s.%s: parameter %q has no Chinese name in fieldNames", rt.Name(), rt.Field(i).Name, label)
			}
		}
	}
}
