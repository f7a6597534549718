// Package httpstop makes http.Server.Shutdown close at once the
// connections that never sent a request.
//
// Shutdown waits for every connection to go idle, and counts a
// connection that has not sent its first request as idle only once it
// is 5 seconds old: a client's transport that dialed a connection and
// left it unused (it dials one for each request waiting and keeps the
// spare; a browser opens some ahead of need) makes a shutdown take 5
// seconds. Such a connection carries no request, so closing it loses
// nothing; requests in flight still finish. The package imports nothing
// of the product's: the simulator shares it.
package httpstop

import (
	"net"
	"net/http"
	"sync"
)

// Track makes srv's Shutdown close the connections that have not sent a
// request yet, once its listeners are closed. Call it before srv serves;
// it keeps srv's own ConnState hook, if any.
func Track(srv *http.Server) {
	var (
		mu    sync.Mutex
		fresh = map[net.Conn]bool{}
	)
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		mu.Lock()
		if st == http.StateNew {
			fresh[c] = true
		} else {
			delete(fresh, c)
		}
		mu.Unlock()
		if prev != nil {
			prev(c, st)
		}
	}
	// Shutdown runs this after it closed the listeners: no connection
	// comes after it (one accepted in that instant, not yet marked new,
	// is left to Shutdown's own 5 seconds).
	srv.RegisterOnShutdown(func() {
		mu.Lock()
		defer mu.Unlock()
		for c := range fresh {
			c.Close()
		}
	})
}
