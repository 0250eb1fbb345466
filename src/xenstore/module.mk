# XenStore: daemon, tools (one source, one binary per tool name), library.
PROGRAMS += xenstored
xenstored_SRCS := src/xenstore/xenstored_main.c
xenstored_LIBS := xenstore

XS_TOOLS := xenstore-read xenstore-write xenstore-ls xenstore-list xenstore-rm \
            xenstore-exists xenstore-chmod xenstore-watch xenstore-control
PROGRAMS += $(XS_TOOLS)
$(foreach t,$(XS_TOOLS),$(eval $(t)_SRCS := src/xenstore/xstool_main.c)$(eval $(t)_LIBS := xenstore))

PROGRAMS += xenstore-bench
xenstore-bench_SRCS := src/xenstore/xsbench_main.c
xenstore-bench_LIBS := xenstore

# The socket ceiling for bench/xenstore.sh: xs_wire framing, canned replies.
PROGRAMS += xenstore-echo
xenstore-echo_SRCS := src/xenstore/xsecho_main.c
xenstore-echo_LIBS :=
