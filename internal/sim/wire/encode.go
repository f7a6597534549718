package wire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
)

// Encoder writes results and errors for one service.
type Encoder struct {
	Protocol Protocol
	// Namespace is the XML namespace of awsQuery/ec2Query documents, e.g.
	// "https://iam.amazonaws.com/doc/2010-05-08/".
	Namespace string
	// UnwrappedErrors makes restXml errors a bare <Error> document (S3);
	// otherwise they are wrapped in <ErrorResponse> (S3 Control).
	UnwrappedErrors bool
	// QueryCompatible: an awsJson service with the awsQueryCompatible
	// trait (SQS) also sends each error's query code and fault in
	// X-Amzn-Query-Error, which the SDK reports as the error code.
	QueryCompatible bool
}

// WriteResult encodes out as the response to c.
//
//   - awsQuery: out is the content of <OpResult>; nil gives an empty result.
//   - ec2Query: out is the content of <OpResponse>; requestId is added.
//   - awsJson, restJson: out is marshalled with encoding/json; nil is {}.
//   - restXml: out is marshalled with encoding/xml (give it an XMLName).
//   - CBOR: out is converted with ToCBOR (json tags name the members).
//
// REST handlers may return *Response to set the status and headers, and a
// []byte body is written verbatim (S3 GetBucketPolicy returns raw JSON).
func (e Encoder) WriteResult(w http.ResponseWriter, c *Call, out any) {
	status := http.StatusOK
	if r, ok := out.(*Response); ok {
		for k, v := range r.Header {
			w.Header()[k] = v
		}
		if r.Status != 0 {
			status = r.Status
		}
		out = r.Body
	}
	w.Header().Set("X-Amzn-RequestId", c.RequestID)
	var body []byte
	var err error
	if raw, ok := out.([]byte); ok {
		body = raw
	} else {
		switch e.Protocol {
		case Query:
			body, err = e.queryResult(c, out)
			w.Header().Set("Content-Type", "text/xml")
		case EC2Query:
			body, err = e.ec2Result(c, out)
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		case JSON11, JSON10, RestJSON:
			if out == nil {
				body = []byte("{}")
			} else {
				body, err = json.Marshal(out)
			}
			w.Header().Set("Content-Type", jsonContentType(e.Protocol))
		case RestXML:
			w.Header().Set("x-amz-request-id", c.RequestID)
			if out != nil {
				body, err = xml.Marshal(out)
				body = append([]byte(xml.Header), body...)
				w.Header().Set("Content-Type", "application/xml")
			}
		case CBOR:
			body, err = EncodeCBOR(out)
			w.Header().Set("Content-Type", "application/cbor")
			w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		}
	}
	if err != nil {
		e.WriteError(w, c, Errorf(500, "InternalFailure", "simulator could not encode %s response: %v", c.Op, err))
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if c.Req == nil || c.Req.Method != http.MethodHead {
		w.Write(body)
	}
}

func (e Encoder) queryResult(c *Call, out any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<` + c.Op + `Response xmlns="` + e.Namespace + `">`)
	if out != nil {
		enc := xml.NewEncoder(&b)
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: c.Op + "Result"}}); err != nil {
			return nil, err
		}
	} else {
		b.WriteString(`<` + c.Op + `Result/>`)
	}
	b.WriteString(`<ResponseMetadata><RequestId>` + c.RequestID + `</RequestId></ResponseMetadata></` + c.Op + `Response>`)
	return b.Bytes(), nil
}

func (e Encoder) ec2Result(c *Call, out any) ([]byte, error) {
	head := `<` + c.Op + `Response xmlns="` + e.Namespace + `"><requestId>` + c.RequestID + `</requestId>`
	if out == nil {
		return []byte(head + `</` + c.Op + `Response>`), nil
	}
	var b bytes.Buffer
	if err := xml.NewEncoder(&b).EncodeElement(out, xml.StartElement{Name: xml.Name{Local: "x"}}); err != nil {
		return nil, err
	}
	inner := b.Bytes()
	inner = inner[len("<x>") : len(inner)-len("</x>")]
	if bytes.HasPrefix(b.Bytes(), []byte("<x/>")) {
		inner = nil
	}
	return []byte(head + string(inner) + `</` + c.Op + `Response>`), nil
}

// WriteError encodes err as the protocol's error document. An error that
// is not an *Error becomes an InternalFailure.
func (e Encoder) WriteError(w http.ResponseWriter, c *Call, err error) {
	ae, ok := err.(*Error)
	if !ok {
		ae = Errorf(500, "InternalFailure", "%v", err)
	}
	for k, v := range ae.Header {
		w.Header()[k] = v
	}
	status := ae.Status
	if status == 0 {
		status = 400
	}
	w.Header().Set("X-Amzn-RequestId", c.RequestID)
	fault := "Sender"
	if ae.Server || status >= 500 {
		fault = "Receiver"
	}
	var body []byte
	switch e.Protocol {
	case Query:
		w.Header().Set("Content-Type", "text/xml")
		body = []byte(`<ErrorResponse xmlns="` + e.Namespace + `"><Error><Type>` + fault + `</Type><Code>` + esc(ae.Code) +
			`</Code><Message>` + esc(ae.Message) + `</Message></Error><RequestId>` + c.RequestID + `</RequestId></ErrorResponse>`)
	case EC2Query:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		body = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<Response><Errors><Error><Code>` + esc(ae.Code) +
			`</Code><Message>` + esc(ae.Message) + `</Message></Error></Errors><RequestID>` + c.RequestID + `</RequestID></Response>`)
	case JSON11, JSON10, RestJSON:
		w.Header().Set("Content-Type", jsonContentType(e.Protocol))
		typ := ae.Type
		if typ == "" {
			typ = ae.Code
		}
		if e.QueryCompatible {
			w.Header().Set("X-Amzn-Query-Error", ae.Code+";"+fault)
		}
		w.Header().Set("X-Amzn-ErrorType", typ)
		doc := map[string]string{"__type": typ, "message": ae.Message}
		for k, v := range ae.Fields {
			doc[k] = v
		}
		body, _ = json.Marshal(doc)
	case RestXML:
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("x-amz-request-id", c.RequestID)
		doc := `<Error><Code>` + esc(ae.Code) + `</Code><Message>` + esc(ae.Message) + `</Message><RequestId>` + c.RequestID + `</RequestId></Error>`
		if !e.UnwrappedErrors {
			doc = `<ErrorResponse>` + doc + `</ErrorResponse>`
		}
		body = []byte(xml.Header + doc)
	case CBOR:
		w.Header().Set("Content-Type", "application/cbor")
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("X-Amzn-Query-Error", ae.Code+";"+fault)
		typ := ae.Type
		if typ == "" {
			typ = ae.Code
		}
		body, _ = EncodeCBOR(map[string]any{"__type": typ, "message": ae.Message})
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if c.Req == nil || c.Req.Method != http.MethodHead {
		w.Write(body)
	}
}

func jsonContentType(p Protocol) string {
	switch p {
	case JSON11:
		return "application/x-amz-json-1.1"
	case JSON10:
		return "application/x-amz-json-1.0"
	}
	return "application/json"
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
