#define BOOST_TEST_MODULE pgrest unit
#include <boost/test/unit_test.hpp>
