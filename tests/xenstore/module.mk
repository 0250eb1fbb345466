# XenStore checks: C unit test of the server core (also under ASan+UBSan),
# Debian's clients, Xen's test-xenstore, hostile clients, state file.
UNIT_TESTS += test-xenstore-core
test-xenstore-core_SRCS := tests/xenstore/test_xs_core.c
test-xenstore-core_LIBS := xenstore
UNIT_TESTS += test-xenstore-client
test-xenstore-client_SRCS := tests/xenstore/test_xs_client.c
test-xenstore-client_LIBS := xenstore

CHECKS += $$B/bin/test-xenstore-core tests/xenstore/client.sh tests/xenstore/debian-clients.sh \
          tests/xenstore/xen-test-xenstore.sh tests/xenstore/hostile.sh tests/xenstore/state.sh \
          tests/xenstore/diff-peer.sh tests/xenstore/fuzz-smoke.sh \
          tests/xenstore/bench-smoke.sh
SAN_CHECKS += $$B/bin/test-xenstore-core tests/xenstore/client.sh tests/xenstore/hostile.sh tests/xenstore/xen-test-xenstore.sh \
              tests/xenstore/debian-clients.sh tests/xenstore/state.sh tests/xenstore/bench-smoke.sh
