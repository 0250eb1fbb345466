# Scheduler core (owner: sched helper): the credit scheduler with synthetic
# CPU-burning units, no guests.
UNIT_TESTS += test-hv-sched
test-hv-sched_SRCS := tests/hv/test_sched.c
test-hv-sched_LIBS := hv util
CHECKS += $$B/bin/test-hv-sched
SAN_CHECKS += $$B/bin/test-hv-sched

# Machines (real vCPUs) on shared pools: weights, cap, pause, affinity, SMP.
UNIT_TESTS += test-hv-machines
test-hv-machines_SRCS := tests/hv/test_sched_machines.c
test-hv-machines_LIBS := board hv virtio backend cpu util
test-hv-machines_LDLIBS := -lfdt
$(B)/obj/tests/hv/test_sched_machines.o: CFLAGS += -Itests/board
CHECKS += $$B/bin/test-hv-machines
SAN_CHECKS += $$B/bin/test-hv-machines
