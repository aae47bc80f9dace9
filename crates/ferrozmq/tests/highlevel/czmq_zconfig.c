// CZMQ's zconfig for the zconfig interop tests (crates/ferrozmq/tests/highlevel/zconfig.rs).
//
//   czmq_zconfig write   prints, as zconfig_str_save does, a tree with comments on the
//                        root, on a section and on a leaf (zconfig_set_comment)
//   czmq_zconfig read    loads ZPL from stdin (zconfig_str_load) and prints the root's
//                        comments, one "#comment" a line, then the tree as it saves it
#include <czmq.h>

int main (int argc, char *argv []) {
    if (argc != 2) return 2;
    if (streq (argv [1], "write")) {
        zconfig_t *root = zconfig_new ("root", NULL);
        zconfig_set_comment (root, "   the tree");
        zconfig_t *server = zconfig_new ("server", root);
        zconfig_set_comment (server, "  about the server");
        zconfig_t *timeout = zconfig_new ("timeout", server);
        zconfig_set_value (timeout, "1000");
        zconfig_set_comment (timeout, "  in ms");
        zconfig_set_comment (timeout, "  second line");
        zconfig_t *verbose = zconfig_new ("verbose", server);
        zconfig_set_value (verbose, "1");
        char *text = zconfig_str_save (root);
        fputs (text, stdout);
        freen (text);
        zconfig_destroy (&root);
        return 0;
    }
    if (streq (argv [1], "read")) {
        static char text [65536];
        size_t size = fread (text, 1, sizeof text - 1, stdin);
        text [size] = 0;
        zconfig_t *root = zconfig_str_load (text);
        if (!root) return 1;
        zlist_t *comments = zconfig_comments (root);
        for (char *comment = comments? (char *) zlist_first (comments): NULL; comment;
                comment = (char *) zlist_next (comments))
            printf ("#%s\n", comment);
        zconfig_destroy (&root);
        return 0;
    }
    return 2;
}
