package container

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
)

// NewID returns 64 hex characters, as docker's container ids are; the first
// 12 are what `ps` shows.
func NewID() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b)
}

// ShortID is the 12-character form users see and type.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Docker names unnamed containers adjective_surname after scientists; we use
// adjective_animal, which is easier for a class to read out loud.
var (
	adjectives = []string{"brave", "calm", "clever", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lively",
		"lucky", "merry", "nimble", "proud", "quick", "quiet", "shy", "silly", "swift", "witty", "zen", "bold", "cosy", "daring"}
	animals = []string{"otter", "panda", "falcon", "lynx", "koala", "badger", "heron", "gecko", "walrus", "yak", "puffin",
		"beaver", "bison", "crane", "dingo", "ferret", "ibis", "jackal", "lemur", "marmot", "newt", "okapi", "quokka", "tapir"}
)

// RandomName returns a name like "swift_otter".
func RandomName() string {
	return pick(adjectives) + "_" + pick(animals)
}

func pick(list []string) string {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(len(list))))
	if err != nil {
		panic(err)
	}
	return list[n.Int64()]
}
