gvtsim_gtest(unit_base LABEL base
  SOURCES unit/base/status_test.cpp unit/base/stats_test.cpp unit/base/log_trace_test.cpp
          unit/base/event_queue_test.cpp unit/base/clock_test.cpp unit/base/hash_random_test.cpp
  LIBS gvtsim_base)
