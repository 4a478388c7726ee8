package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"
)

// readProcState returns the state letter of /proc/PID/stat (R, S, Z, ...).
func readProcState(pid int) (byte, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, errors.New("bad /proc stat line")
	}
	return b[i+2], nil
}
