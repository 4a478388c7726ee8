package image

import (
	"slices"
	"sort"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Inspect is `docker image inspect`'s JSON, with the fields a learner
// looks at. Field names are docker's, so scripts and --format templates
// written for docker work unchanged.
type Inspect struct {
	ID           string    `json:"Id"`
	RepoTags     []string  `json:"RepoTags"`
	RepoDigests  []string  `json:"RepoDigests"`
	Created      time.Time `json:"Created"`
	Author       string    `json:"Author"`
	Config       v1.Config `json:"Config"`
	Architecture string    `json:"Architecture"`
	Os           string    `json:"Os"`
	Size         int64     `json:"Size"`
	RootFS       RootFS    `json:"RootFS"`
	Metadata     Metadata  `json:"Metadata"`
}

// RootFS lists the diffids of the layers, bottom first.
type RootFS struct {
	Type   string   `json:"Type"`
	Layers []string `json:"Layers"`
}

// Metadata says where the image came from and where its layers are here.
type Metadata struct {
	Source     string   `json:"Source"`     // built-in, pulled, loaded ...
	ManifestID string   `json:"ManifestId"` // digest of the stored manifest
	LayerDirs  []string `json:"LayerDirs"`  // unpacked layers, bottom first
}

// InspectImage gathers the inspect data for a name or ID.
func (s *Store) InspectImage(name string) (*Inspect, error) {
	desc, err := s.findDescriptor(name)
	if err != nil {
		return nil, err
	}
	m, cfg, err := s.manifestAndConfig(desc)
	if err != nil {
		return nil, err
	}
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	out := &Inspect{
		ID:           m.Config.Digest.String(),
		RepoTags:     []string{},
		RepoDigests:  []string{},
		Created:      cfg.Created.Time,
		Author:       cfg.Author,
		Config:       cfg.Config,
		Architecture: cfg.Architecture,
		Os:           cfg.OS,
		RootFS:       RootFS{Type: cfg.RootFS.Type, Layers: []string{}},
		Metadata:     Metadata{Source: desc.Annotations[AnnotationSource], ManifestID: desc.Digest.String()},
	}
	for _, ref := range refsOf(idx, desc) {
		if repo, tag := splitRef(ref); len(tag) > 7 && tag[:7] == "sha256:" {
			out.RepoDigests = append(out.RepoDigests, repo+"@"+tag)
		} else {
			out.RepoTags = append(out.RepoTags, ref)
		}
	}
	for _, d := range idx.Manifests {
		if rd := d.Annotations[AnnotationRepoDigest]; d.Digest == desc.Digest && rd != "" {
			out.RepoDigests = append(out.RepoDigests, rd)
		}
	}
	sort.Strings(out.RepoTags)
	sort.Strings(out.RepoDigests)
	out.RepoDigests = slices.Compact(out.RepoDigests)
	out.Size, _ = strconv.ParseInt(desc.Annotations[AnnotationSize], 10, 64)
	for _, d := range cfg.RootFS.DiffIDs {
		out.RootFS.Layers = append(out.RootFS.Layers, d.String())
		out.Metadata.LayerDirs = append(out.Metadata.LayerDirs, s.layerDir(d.Hex))
	}
	return out, nil
}
