/* The C API's behaviours that need no outside peer, each as libzmq has them: errno numbers
   for misuse, contexts, options with libzmq's encodings, zmq_msg_* semantics, zmq_poll on
   sockets and raw fds, zmq_sendiov/zmq_recviov, the monitor, the proxy, Z85 and CURVE keys.
   Prints "ok" at the end. */
#include "check.h"
#include <pthread.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void misuse (void)
{
    CHECK (zmq_close (NULL) == -1 && zmq_errno () == ENOTSOCK);
    CHECK (zmq_bind (NULL, "inproc://x") == -1 && errno == ENOTSOCK);
    CHECK (zmq_ctx_term (NULL) == -1 && errno == EFAULT);
    CHECK (zmq_socket (NULL, ZMQ_REQ) == NULL && errno == EFAULT);
    zmq_msg_t never;
    memset (&never, 0, sizeof never);
    CHECK (zmq_msg_close (&never) == -1 && errno == EFAULT);
    CHECK (strcmp (zmq_strerror (ETERM), "Context was terminated") == 0);
    CHECK (strlen (zmq_strerror (EINVAL)) > 0);
    CHECK (ETERM == 156384712 + 53 && EFSM == 156384712 + 51);
}

static void context (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (zmq_ctx_get (ctx, ZMQ_IO_THREADS) == ZMQ_IO_THREADS_DFLT);
    CHECK (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, 10) == 0);
    CHECK (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS) == 10);
    CHECK (zmq_ctx_set (ctx, 9999, 1) == -1 && errno == EINVAL);
    CHECK (zmq_socket (ctx, 9999) == NULL && errno == EINVAL);
    void *socket = zmq_socket (ctx, ZMQ_PULL);
    CHECK (zmq_ctx_shutdown (ctx) == 0);
    char buffer[8];
    CHECK (zmq_recv (socket, buffer, sizeof buffer, 0) == -1 && errno == ETERM);
    CHECK (zmq_close (socket) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    void *old = zmq_init (2);
    CHECK (zmq_ctx_get (old, ZMQ_IO_THREADS) == 2);
    CHECK (zmq_term (old) == 0);
}

static void options (void *ctx)
{
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    int value = 1234;
    size_t size = sizeof value;
    CHECK (zmq_setsockopt (router, ZMQ_LINGER, &value, sizeof value) == 0);
    value = 0;
    CHECK (zmq_getsockopt (router, ZMQ_LINGER, &value, &size) == 0);
    CHECK (value == 1234 && size == sizeof (int));
    CHECK (zmq_setsockopt (router, ZMQ_LINGER, &value, 2) == -1 && errno == EINVAL);
    int64_t max = 4096;
    CHECK (zmq_setsockopt (router, ZMQ_MAXMSGSIZE, &max, sizeof max) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_ROUTING_ID, "id", 2) == 0);
    /* libzmq's strict text options: NULL unsets, an empty string is EINVAL. */
    CHECK (zmq_setsockopt (router, ZMQ_SOCKS_PROXY, "", 0) == -1 && errno == EINVAL);
    CHECK (zmq_setsockopt (router, ZMQ_SOCKS_PROXY, "proxy:1080", 10) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_SOCKS_PROXY, NULL, 0) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_TCP_ACCEPT_FILTER, "", 0) == -1 && errno == EINVAL);
    char id[256];
    size = sizeof id;
    CHECK (zmq_getsockopt (router, ZMQ_ROUTING_ID, id, &size) == 0);
    CHECK (size == 2 && memcmp (id, "id", 2) == 0);
    CHECK (zmq_getsockopt (router, ZMQ_TYPE, &value, &(size_t){sizeof value}) == 0);
    CHECK (value == ZMQ_ROUTER);
    char endpoint[256];
    size = sizeof endpoint;
    CHECK (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &size) == 0);
    CHECK (size == 1 && endpoint[0] == 0);
    CHECK (zmq_bind (router, "inproc://options") == 0);
    size = sizeof endpoint;
    CHECK (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &size) == 0);
    CHECK (strcmp (endpoint, "inproc://options") == 0 && size == strlen (endpoint) + 1);
    size = 4;
    CHECK (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &size) == -1 && errno == EINVAL);
    CHECK (zmq_unbind (router, "inproc://nowhere") == -1 && errno == ENOENT);

    char public_key[41], secret_key[41], derived[41];
    CHECK (zmq_curve_keypair (public_key, secret_key) == 0);
    CHECK (zmq_curve_public (derived, secret_key) == 0 && strcmp (derived, public_key) == 0);
    value = 1;
    CHECK (zmq_setsockopt (router, ZMQ_CURVE_SERVER, &value, sizeof value) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_CURVE_SECRETKEY, secret_key, 40) == 0);
    char key_text[41];
    size = sizeof key_text;
    CHECK (zmq_getsockopt (router, ZMQ_CURVE_SECRETKEY, key_text, &size) == 0);
    CHECK (size == 41 && strcmp (key_text, secret_key) == 0);
    uint8_t key[32], decoded[32];
    size = sizeof key;
    CHECK (zmq_getsockopt (router, ZMQ_CURVE_SECRETKEY, key, &size) == 0 && size == 32);
    CHECK (zmq_z85_decode (decoded, secret_key) == decoded && memcmp (decoded, key, 32) == 0);
    char encoded[41];
    CHECK (zmq_z85_encode (encoded, key, 32) == encoded && strcmp (encoded, secret_key) == 0);
    CHECK (zmq_z85_encode (encoded, key, 3) == NULL && errno == EINVAL);
    CHECK (zmq_close (router) == 0);
}

static int freed;
static void count_free (void *data, void *hint)
{
    CHECK (data == hint);
    freed++;
}

static void messages (void)
{
    zmq_msg_t a, b;
    CHECK (zmq_msg_init_size (&a, 100) == 0);
    memset (zmq_msg_data (&a), 'x', 100);
    CHECK (zmq_msg_init (&b) == 0);
    CHECK (zmq_msg_copy (&b, &a) == 0);
    CHECK (zmq_msg_size (&b) == 100 && ((char *) zmq_msg_data (&b))[99] == 'x');
    CHECK (zmq_msg_move (&a, &b) == 0);
    CHECK (zmq_msg_size (&b) == 0 && zmq_msg_size (&a) == 100);
    CHECK (zmq_msg_more (&a) == 0 && zmq_msg_get (&a, ZMQ_MORE) == 0);
    CHECK (zmq_msg_get (&a, 999) == -1 && errno == EINVAL);
    CHECK (zmq_msg_set (&a, ZMQ_MORE, 1) == -1 && errno == EINVAL);
    CHECK (zmq_msg_close (&a) == 0 && zmq_msg_close (&b) == 0);
    CHECK (zmq_msg_close (&a) == -1 && errno == EFAULT);

    static char big[1000];
    CHECK (zmq_msg_init_data (&a, big, sizeof big, count_free, big) == 0);
    CHECK (zmq_msg_data (&a) == big);
    CHECK (zmq_msg_init (&b) == 0);
    CHECK (zmq_msg_copy (&b, &a) == 0);
    CHECK (zmq_msg_close (&a) == 0 && freed == 0);
    CHECK (zmq_msg_close (&b) == 0 && freed == 1);
}

/* A zero-copy payload, however small, is released only when the last message using it is
   gone: not while it waits in a queue, as pyzmq's MessageTracker relies on. */
static void zero_copy_free_waits_for_the_last_user (void *ctx)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    set_timeouts (pull);
    CHECK (zmq_bind (pull, "inproc://zero-copy") == 0);
    CHECK (zmq_connect (push, "inproc://zero-copy") == 0);
    static char small[] = "tiny";
    freed = 0;
    zmq_msg_t msg;
    CHECK (zmq_msg_init_data (&msg, small, 4, count_free, small) == 0);
    CHECK (zmq_msg_send (&msg, push, 0) == 4 && freed == 0);
    zmq_msg_t got;
    zmq_msg_init (&got);
    CHECK (zmq_msg_recv (&got, pull, 0) == 4 && freed == 0);
    CHECK (memcmp (zmq_msg_data (&got), "tiny", 4) == 0);
    CHECK (zmq_msg_close (&got) == 0 && freed == 1);
    CHECK (zmq_close (push) == 0 && zmq_close (pull) == 0);
}

static void poll_and_multipart (void *ctx)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    set_timeouts (pull);
    CHECK (zmq_bind (pull, "inproc://poll") == 0);
    CHECK (zmq_connect (push, "inproc://poll") == 0);
    int fds[2];
    CHECK (pipe (fds) == 0);
    zmq_pollitem_t items[] = {{pull, 0, ZMQ_POLLIN, 0}, {NULL, fds[0], ZMQ_POLLIN, 0}};
    CHECK (zmq_poll (items, 2, 0) == 0);
    CHECK (write (fds[1], "!", 1) == 1);
    CHECK (zmq_poll (items, 2, 10000) == 1 && items[1].revents == ZMQ_POLLIN);
    CHECK (zmq_send (push, "a", 1, ZMQ_SNDMORE) == 1 && zmq_send (push, "bc", 2, 0) == 2);
    CHECK (zmq_poll (items, 2, 10000) == 2 && items[0].revents == ZMQ_POLLIN);
    zmq_msg_t part;
    zmq_msg_init (&part);
    CHECK (zmq_msg_recv (&part, pull, 0) == 1 && zmq_msg_more (&part) == 1);
    CHECK (zmq_msg_recv (&part, pull, 0) == 2 && zmq_msg_more (&part) == 0);
    zmq_msg_close (&part);
    char buffer[4];
    CHECK (zmq_recv (pull, buffer, sizeof buffer, ZMQ_DONTWAIT) == -1 && errno == EAGAIN);
    CHECK (zmq_poll (NULL, -1, 0) == -1 && errno == EINVAL);
    close (fds[0]);
    close (fds[1]);
    zmq_close (push);
    CHECK (zmq_close (pull) == 0);
}

static void vectors (void *ctx)
{
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    set_timeouts (pull);
    CHECK (zmq_bind (pull, "inproc://iov") == 0 && zmq_connect (push, "inproc://iov") == 0);
    struct iovec out[] = {{"ab", 2}, {"cde", 3}};
    CHECK (zmq_sendiov (push, out, 2, ZMQ_SNDMORE) == 3);
    struct iovec in[4];
    size_t count = 4;
    CHECK (zmq_recviov (pull, in, &count, 0) == 2 && count == 2);
    CHECK (in[0].iov_len == 2 && memcmp (in[0].iov_base, "ab", 2) == 0);
    CHECK (in[1].iov_len == 3 && memcmp (in[1].iov_base, "cde", 3) == 0);
    free (in[0].iov_base);
    free (in[1].iov_base);
    CHECK (zmq_sendiov (push, out, 0, 0) == -1 && errno == EINVAL);
    zmq_close (push);
    zmq_close (pull);
}

static void monitor (void *ctx)
{
    void *rep = zmq_socket (ctx, ZMQ_REP);
    CHECK (zmq_socket_monitor (rep, "inproc://monitor", ZMQ_EVENT_LISTENING) == 0);
    void *watcher = zmq_socket (ctx, ZMQ_PAIR);
    set_timeouts (watcher);
    CHECK (zmq_connect (watcher, "inproc://monitor") == 0);
    CHECK (zmq_bind (rep, "tcp://127.0.0.1:*") == 0);
    uint8_t event[6];
    CHECK (zmq_recv (watcher, event, sizeof event, 0) == 6);
    CHECK ((event[0] | event[1] << 8) == ZMQ_EVENT_LISTENING);
    char address[256];
    CHECK (zmq_recv (watcher, address, sizeof address, 0) > 0);
    CHECK (zmq_socket_monitor (rep, NULL, 0) == 0);
    zmq_close (watcher);
    zmq_close (rep);
}

static void *run_proxy (void *sockets)
{
    void **pair = sockets;
    int rc = zmq_proxy (pair[0], pair[1], NULL);
    CHECK (rc == -1 && errno == ETERM);
    zmq_close (pair[0]);
    zmq_close (pair[1]);
    return NULL;
}

static void proxy (void)
{
    void *ctx = zmq_ctx_new ();
    void *sockets[] = {zmq_socket (ctx, ZMQ_PULL), zmq_socket (ctx, ZMQ_PUSH)};
    CHECK (zmq_bind (sockets[0], "inproc://front") == 0);
    CHECK (zmq_bind (sockets[1], "inproc://back") == 0);
    pthread_t thread;
    CHECK (pthread_create (&thread, NULL, run_proxy, sockets) == 0);
    void *in = zmq_socket (ctx, ZMQ_PUSH), *out = zmq_socket (ctx, ZMQ_PULL);
    set_timeouts (out);
    CHECK (zmq_connect (in, "inproc://front") == 0 && zmq_connect (out, "inproc://back") == 0);
    CHECK (zmq_send (in, "through", 7, 0) == 7);
    char buffer[16];
    CHECK (zmq_recv (out, buffer, sizeof buffer, 0) == 7 && memcmp (buffer, "through", 7) == 0);
    int linger = 0;
    zmq_setsockopt (in, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close (in);
    zmq_close (out);
    CHECK (zmq_ctx_shutdown (ctx) == 0);
    CHECK (pthread_join (thread, NULL) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
}

int main (void)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    CHECK (major == ZMQ_VERSION_MAJOR && minor == ZMQ_VERSION_MINOR && patch == ZMQ_VERSION_PATCH);
    CHECK (zmq_has ("curve") == 1 && zmq_has ("ipc") == 1 && zmq_has ("pgm") == 1
           && zmq_has ("norm") == 0);
    CHECK (sizeof (zmq_msg_t) == 64);
    misuse ();
    context ();
    void *ctx = zmq_ctx_new ();
    options (ctx);
    messages ();
    zero_copy_free_waits_for_the_last_user (ctx);
    poll_and_multipart (ctx);
    vectors (ctx);
    monitor (ctx);
    CHECK (zmq_ctx_term (ctx) == 0);
    proxy ();
    printf ("ok\n");
    return 0;
}
