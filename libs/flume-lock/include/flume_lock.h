/** @file
 * flume-lock's C API: an opaque MPSC channel of 64-bit values (or pointers).
 *
 *   flume_lock_sender* tx; flume_lock_receiver* rx;
 *   if (flume_lock_channel_create(0, &tx, &rx) != FLUME_LOCK_OK) abort();
 *   flume_lock_send(tx, 42);
 *   uint64_t v;
 *   flume_lock_recv_timeout(rx, &v, 1000000);   // waits up to 1 ms
 *   flume_lock_sender_destroy(tx); flume_lock_receiver_destroy(rx);
 *
 * Each sender handle may be used from any thread; clone one per owner. The receiver handle is
 * used by one thread at a time. Destroying every sender closes the channel: the receiver drains
 * what is queued, then gets FLUME_LOCK_DISCONNECTED.
 */
#ifndef FLUME_LOCK_H
#define FLUME_LOCK_H

#include <flume_lock/export.hpp>
#include <flume_lock/version.hpp>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a call did: every function that can fail returns one of these. */
typedef enum flume_lock_status {
  FLUME_LOCK_OK = 0,
  FLUME_LOCK_EMPTY = 1,        /**< try_recv: nothing queued */
  FLUME_LOCK_FULL = 2,         /**< try_send on a bounded channel: no room */
  FLUME_LOCK_DISCONNECTED = 3, /**< closed (and, for receive, drained) */
  FLUME_LOCK_TIMEOUT = 4,      /**< the wait ended first */
  FLUME_LOCK_INVALID = 5,      /**< a null handle or output pointer */
  FLUME_LOCK_NO_MEMORY = 6     /**< allocation failed */
} flume_lock_status;           /**< The status type. */

/** A sending handle of an MPSC channel (opaque; clone one per owner). */
typedef struct flume_lock_sender flume_lock_sender;
/** The receiving handle of an MPSC channel (opaque; one thread at a time). */
typedef struct flume_lock_receiver flume_lock_receiver;

/** Creates a channel: capacity 0 = unbounded, otherwise bounded to `capacity` messages. */
FLUME_LOCK_API flume_lock_status flume_lock_channel_create(size_t capacity, flume_lock_sender** tx,
                                                           flume_lock_receiver** rx);

/** Creates a rendezvous channel (capacity 0, as crossbeam's bounded(0)): a send completes only
 * when the receiver takes the value; try_send succeeds only while the receiver waits in
 * recv_timeout. */
FLUME_LOCK_API flume_lock_status flume_lock_rendezvous_create(flume_lock_sender** tx,
                                                              flume_lock_receiver** rx);

/** Stores in *len how many values are queued now (a snapshot; always 0 for rendezvous): OK, or
 * INVALID for a null handle or pointer. Call it from the receiving thread. */
FLUME_LOCK_API flume_lock_status flume_lock_receiver_len(const flume_lock_receiver* rx,
                                                         size_t* len);

/** A new sender handle for the same channel (NULL when out of memory or tx is NULL). */
FLUME_LOCK_API flume_lock_sender* flume_lock_sender_clone(const flume_lock_sender* tx);

/** Sends; a bounded channel waits for room. OK or DISCONNECTED. */
FLUME_LOCK_API flume_lock_status flume_lock_send(flume_lock_sender* tx, uint64_t value);
/** Sends without waiting: OK, FULL or DISCONNECTED. */
FLUME_LOCK_API flume_lock_status flume_lock_try_send(flume_lock_sender* tx, uint64_t value);
/** Pointer conveniences: the pointer travels as its integer value. */
FLUME_LOCK_API flume_lock_status flume_lock_send_ptr(flume_lock_sender* tx, void* pointer);

/** Receives without waiting: OK, EMPTY or DISCONNECTED. */
FLUME_LOCK_API flume_lock_status flume_lock_try_recv(flume_lock_receiver* rx, uint64_t* out);
/** @{ */
/** Waits up to timeout_ns (negative: forever): OK, TIMEOUT or DISCONNECTED. */
FLUME_LOCK_API flume_lock_status flume_lock_recv_timeout(flume_lock_receiver* rx, uint64_t* out,
                                                         int64_t timeout_ns);
FLUME_LOCK_API flume_lock_status flume_lock_recv_ptr_timeout(flume_lock_receiver* rx, void** out,
                                                             int64_t timeout_ns);
/** @} */

/** The most receivers one flume_lock_select call waits on. */
#define FLUME_LOCK_SELECT_MAX 32

/** Waits on `count` receivers at once (1..FLUME_LOCK_SELECT_MAX, no NULL, none twice) and
 * receives from the first that is ready; the others keep their values. timeout_ns: negative =
 * forever, 0 = only what is ready now. Returns OK (*index = which receiver, *out = the value),
 * DISCONNECTED (*index = a receiver that is closed and drained: leave it out of later calls),
 * TIMEOUT (*index = count) or INVALID. Each receiver is used by this thread only, meanwhile. */
FLUME_LOCK_API flume_lock_status flume_lock_select(flume_lock_receiver* const* rxs, size_t count,
                                                   uint64_t* out, size_t* index,
                                                   int64_t timeout_ns);

/** @{ */
/** Closes the channel for senders; queued values can still be received. */
FLUME_LOCK_API void flume_lock_sender_close(flume_lock_sender* tx);
FLUME_LOCK_API void flume_lock_receiver_close(flume_lock_receiver* rx);
/** @} */

/** @{ */
/** Destroys a handle (NULL is ignored). The last sender closes the channel. */
FLUME_LOCK_API void flume_lock_sender_destroy(flume_lock_sender* tx);
FLUME_LOCK_API void flume_lock_receiver_destroy(flume_lock_receiver* rx);
/** @} */

/** A static name for a status ("ok", "disconnected", ...). */
FLUME_LOCK_API const char* flume_lock_status_name(flume_lock_status status);

/* ---- MPMC channels: several receivers, each value delivered to exactly one of them ----------
 * Sender and receiver handles may both be cloned, one per owner. Destroying every sender closes
 * the channel (receivers drain, then get DISCONNECTED); destroying every receiver closes it too
 * (senders get DISCONNECTED, queued values are dropped). A handle is used by one thread at a
 * time. */
/** A sending handle of an MPMC channel (opaque). */
typedef struct flume_lock_mpmc_sender flume_lock_mpmc_sender;
/** A receiving handle of an MPMC channel (opaque). */
typedef struct flume_lock_mpmc_receiver flume_lock_mpmc_receiver;

/** Creates an MPMC channel: capacity 0 = unbounded, otherwise bounded to `capacity` values. */
FLUME_LOCK_API flume_lock_status flume_lock_mpmc_channel_create(size_t capacity,
                                                                flume_lock_mpmc_sender** tx,
                                                                flume_lock_mpmc_receiver** rx);
/** @{ */
/** New handles for the same channel (NULL when out of memory or the handle is NULL). */
FLUME_LOCK_API flume_lock_mpmc_sender* flume_lock_mpmc_sender_clone(
    const flume_lock_mpmc_sender* tx);
FLUME_LOCK_API flume_lock_mpmc_receiver* flume_lock_mpmc_receiver_clone(
    const flume_lock_mpmc_receiver* rx);
/** @} */

/** @{ */
/** As flume_lock_send / try_send / try_recv / recv_timeout. */
FLUME_LOCK_API flume_lock_status flume_lock_mpmc_send(flume_lock_mpmc_sender* tx, uint64_t value);
FLUME_LOCK_API flume_lock_status flume_lock_mpmc_try_send(flume_lock_mpmc_sender* tx,
                                                          uint64_t value);
FLUME_LOCK_API flume_lock_status flume_lock_mpmc_try_recv(flume_lock_mpmc_receiver* rx,
                                                          uint64_t* out);
FLUME_LOCK_API flume_lock_status flume_lock_mpmc_recv_timeout(flume_lock_mpmc_receiver* rx,
                                                              uint64_t* out, int64_t timeout_ns);
/** @} */

/** Values queued now (a snapshot; 0 for a NULL handle). */
FLUME_LOCK_API size_t flume_lock_mpmc_len(const flume_lock_mpmc_receiver* rx);

/** @{ */
/** Closes the channel; queued values can still be received. */
FLUME_LOCK_API void flume_lock_mpmc_sender_close(flume_lock_mpmc_sender* tx);
FLUME_LOCK_API void flume_lock_mpmc_receiver_close(flume_lock_mpmc_receiver* rx);
/** @} */

/** @{ */
/** Destroys a handle (NULL is ignored). */
FLUME_LOCK_API void flume_lock_mpmc_sender_destroy(flume_lock_mpmc_sender* tx);
FLUME_LOCK_API void flume_lock_mpmc_receiver_destroy(flume_lock_mpmc_receiver* rx);
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* FLUME_LOCK_H */
