package web

import "net/http"

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "search", http.StatusOK, map[string]any{"Title": "Search"})
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	writeJSONError(w, http.StatusNotImplemented, "search: not yet")
}
