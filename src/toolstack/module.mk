# Toolstack (owner: toolstack helper): guest config parser, xend, xm/xl.
UNIT_TESTS += test-config
test-config_SRCS := tests/toolstack/test_config.c
test-config_LIBS := toolstack
CHECKS += $$B/bin/test-config
SAN_CHECKS += $$B/bin/test-config
