//! Gives a new I/O thread what the context's thread options ask for: its name, its
//! scheduling policy and priority, and the CPUs it may run on (libzmq's
//! `thread_t::applySchedulingParameters`, done from the starting thread so that a refusal
//! is an error of the bind or connect that started it, not an abort).

use crate::context_options::ThreadOptions;
use std::io;
use std::os::unix::thread::JoinHandleExt;
use std::thread::JoinHandle;

/// The name of I/O thread `index`: `ferrozmq-io-<index>`, after `<prefix>/` when the
/// context has THREAD_NAME_PREFIX (Linux keeps the first 15 bytes).
pub(super) fn thread_name(index: usize, options: &ThreadOptions) -> String {
    // A text prefix may carry C's terminating NUL (libzmq's test passes `sizeof`).
    let prefix = options
        .name_prefix
        .as_deref()
        .map(|p| String::from_utf8_lossy(p.split(|&b| b == 0).next().unwrap_or_default()));
    match prefix {
        Some(prefix) => format!("{prefix}/ferrozmq-io-{index}"),
        None => format!("ferrozmq-io-{index}"),
    }
}

/// Names `thread` `name` (cut to the 15 bytes Linux keeps) and applies the scheduling
/// policy, priority and CPU set of `options` to it. The name is set here too, not only by
/// the new thread itself, so that it is in place when `spawn` returns.
pub(super) fn apply<T>(
    thread: &JoinHandle<T>,
    name: &str,
    options: &ThreadOptions,
) -> io::Result<()> {
    let handle = thread.as_pthread_t();
    let mut name = name.as_bytes()[..name.len().min(15)].to_vec();
    name.push(0);
    // SAFETY: `name` is NUL-terminated and at most 16 bytes, as pthread_setname_np wants.
    check(unsafe { libc::pthread_setname_np(handle, name.as_ptr().cast()) })?;
    if options.sched_policy.is_some() || options.priority.is_some() {
        let mut policy = 0;
        // SAFETY: sched_param is plain data; pthread_getschedparam fills both out-parameters
        // for a live thread (the join handle keeps it joinable).
        let mut param: libc::sched_param = unsafe { std::mem::zeroed() };
        check(unsafe { libc::pthread_getschedparam(handle, &mut policy, &mut param) })?;
        if let Some(wanted) = options.sched_policy {
            policy = wanted;
        }
        if let Some(priority) = options.priority {
            param.sched_priority = priority;
        }
        // SAFETY: as above; the kernel checks the values and answers with an errno.
        check(unsafe { libc::pthread_setschedparam(handle, policy, &param) })?;
    }
    if !options.cpus.is_empty() {
        // SAFETY: cpu_set_t is plain data; CPU_SET writes inside it for indices below
        // CPU_SETSIZE, which is checked first.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        for &cpu in &options.cpus {
            if cpu >= libc::CPU_SETSIZE as usize {
                return Err(io::Error::from_raw_os_error(libc::EINVAL));
            }
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
        // SAFETY: `set` is a valid cpu_set_t of the size given.
        check(unsafe {
            libc::pthread_setaffinity_np(handle, std::mem::size_of::<libc::cpu_set_t>(), &set)
        })?;
    }
    Ok(())
}

/// A pthread return code as a result.
fn check(rc: libc::c_int) -> io::Result<()> {
    match rc {
        0 => Ok(()),
        errno => Err(io::Error::from_raw_os_error(errno)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_prefix() {
        let mut options = ThreadOptions::default();
        assert_eq!(thread_name(0, &options), "ferrozmq-io-0");
        options.name_prefix = Some(b"7".to_vec());
        assert_eq!(thread_name(2, &options), "7/ferrozmq-io-2");
        options.name_prefix = Some(b"app\0".to_vec());
        assert_eq!(thread_name(1, &options), "app/ferrozmq-io-1");
    }
}
