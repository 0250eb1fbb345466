# Scheduler core (owner: sched helper): the credit scheduler with synthetic
# CPU-burning units, no guests.
UNIT_TESTS += test-hv-sched
test-hv-sched_SRCS := tests/hv/test_sched.c
test-hv-sched_LIBS := hv util
CHECKS += $$B/bin/test-hv-sched
SAN_CHECKS += $$B/bin/test-hv-sched
