package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/v1/remote"
)

// SearchResult is one row of `docker search`.
type SearchResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Stars       int    `json:"star_count"`
	Official    bool   `json:"is_official"`
}

// Search finds repositories. "HOST[:PORT]/TERM" lists that registry's
// catalog (GET /v2/_catalog, which private registries like registry:2
// serve) and keeps the names containing TERM. A plain TERM asks Docker
// Hub's search API, which only Docker Hub has.
func Search(term string, limit int, opts Options) ([]SearchResult, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	if host, rest, ok := strings.Cut(term, "/"); ok && looksLikeHost(host) {
		return searchCatalog(host, rest, limit, &opts)
	}
	return searchHub(term, limit, &opts)
}

// looksLikeHost is docker's rule for the first part of a name.
func looksLikeHost(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost"
}

func searchCatalog(host, term string, limit int, opts *Options) ([]SearchResult, error) {
	var nameOpts []name.Option
	if opts.Config.isInsecure(host) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	reg, err := name.NewRegistry(host, nameOpts...)
	if err != nil {
		return nil, fmt.Errorf("invalid registry %q; use host[:port]", host)
	}
	repos, err := ggcr.Catalog(opts.Context, reg, opts.ggcrOptions()...)
	if err != nil {
		return nil, friendly(err, "search", host)
	}
	var out []SearchResult
	for _, r := range repos {
		if strings.Contains(r, term) && (limit <= 0 || len(out) < limit) {
			out = append(out, SearchResult{Name: host + "/" + r})
		}
	}
	return out, nil
}

// hubSearchURL is Docker Hub's search endpoint (the v1 API docker uses).
var hubSearchURL = "https://index.docker.io/v1/search"

func searchHub(term string, limit int, opts *Options) ([]SearchResult, error) {
	if limit <= 0 {
		limit = 25
	}
	u := hubSearchURL + "?q=" + url.QueryEscape(term) + "&n=" + strconv.Itoa(limit)
	req, err := http.NewRequestWithContext(opts.Context, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, friendly(err, "search", "index.docker.io")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("search on Docker Hub failed: %s", resp.Status)
	}
	var body struct {
		Results []SearchResult `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("search on Docker Hub: bad answer: %w", err)
	}
	if len(body.Results) > limit {
		body.Results = body.Results[:limit]
	}
	return body.Results, nil
}
