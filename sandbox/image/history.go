package image

import (
	"time"
)

// HistoryEntry is one row of `docker history`: one step of the build that
// made the image. Steps that changed no files (ENV, CMD, ...) have no layer.
type HistoryEntry struct {
	ID         string // image ID for the top row, "" (docker: <missing>) below
	Created    time.Time
	CreatedBy  string
	Comment    string
	Size       int64 // unpacked size of the layer this step made
	EmptyLayer bool
}

// History lists the build steps of an image, newest first. An image made
// without history (some tools skip it) gets one row per layer.
func (s *Store) History(name string) ([]HistoryEntry, error) {
	desc, err := s.findDescriptor(name)
	if err != nil {
		return nil, err
	}
	_, cfg, err := s.manifestAndConfig(desc)
	if err != nil {
		return nil, err
	}
	diffIDs := cfg.RootFS.DiffIDs
	var rows []HistoryEntry
	layer := 0
	for _, h := range cfg.History {
		row := HistoryEntry{Created: h.Created.Time, CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer}
		if !h.EmptyLayer && layer < len(diffIDs) {
			row.Size, _ = s.LayerSize(diffIDs[layer]) // a missing layer shows as 0 B
			layer++
		}
		rows = append(rows, row)
	}
	for ; layer < len(diffIDs); layer++ { // layers the history does not explain
		size, _ := s.LayerSize(diffIDs[layer])
		rows = append(rows, HistoryEntry{Created: cfg.Created.Time, Size: size})
	}
	// Oldest first in the config; docker prints newest first.
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	if len(rows) > 0 {
		rows[0].ID = desc.Annotations[AnnotationImageID]
	}
	return rows, nil
}
