// Package installtest holds the test of `make install`: it stages an
// install under a temporary DESTDIR and checks that the installed dockling
// runs from there and finds its helpers (dockling-init and dockling-lessons
// beside it, probe in ../libexec/dockling), that the man pages and shell
// completions are where man and the shells look, and that `make uninstall`
// removes every file again. The test is in install_integration_test.go
// (build tag integration: it starts a container, so it needs root).
package installtest
