// A CZMQ zbeacon for the beacon interop tests (crates/ferrozmq/tests/beacon.rs).
//
//   czmq_beacon listen PORT PREFIX TIMEOUT_MS   prints the first beacon heard as
//                                               ADDRESS<TAB>PAYLOAD, exit 1 on timeout
//   czmq_beacon publish PORT TEXT INTERVAL_MS DURATION_MS
//
// The interface comes from CZMQ's own environment (ZSYS_INTERFACE, ZSYS_IPV4_MCAST_ADDRESS,
// ZSYS_IPV6).
#include <czmq.h>

int main (int argc, char *argv []) {
    if (argc < 4) return 2;
    zsys_init ();
    zactor_t *beacon = zactor_new (zbeacon, NULL);
    zsock_send (beacon, "si", "CONFIGURE", atoi (argv [2]));
    char *hostname = zstr_recv (beacon);
    if (!hostname || !*hostname) { fprintf (stderr, "no interface\n"); return 3; }
    fprintf (stderr, "czmq hostname %s\n", hostname);
    zstr_free (&hostname);
    int rc = 0;
    if (streq (argv [1], "listen") && argc == 5) {
        zsock_send (beacon, "sb", "SUBSCRIBE", argv [3], strlen (argv [3]));
        zsock_set_rcvtimeo (beacon, atoi (argv [4]));
        char *address = zstr_recv (beacon);
        if (address) {
            zframe_t *content = zframe_recv (beacon);
            printf ("%s\t%.*s\n", address, (int) zframe_size (content), zframe_data (content));
            fflush (stdout);
            zframe_destroy (&content);
            zstr_free (&address);
        }
        else rc = 1;
    }
    else if (streq (argv [1], "publish") && argc == 6) {
        zsock_send (beacon, "sbi", "PUBLISH", argv [3], strlen (argv [3]), atoi (argv [4]));
        zclock_sleep (atoi (argv [5]));
    }
    else rc = 2;
    zactor_destroy (&beacon);
    return rc;
}
