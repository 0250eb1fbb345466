# CPU core unit tests (owner: cpu helper).
UNIT_TESTS += test-decode
test-decode_SRCS := tests/unit/test_decode.c
test-decode_LIBS := cpu util
CHECKS += $$B/bin/test-decode
SAN_CHECKS += $$B/bin/test-decode
