//! Swapping two folders in one step, so the output folder is never missing.
//!
//! On Linux, `renameat2(2)` with `RENAME_EXCHANGE` swaps two paths atomically: at every moment
//! each name refers to one of the two folders, so a reader (a web server, a deploy tool) polling
//! `public/index.html` always finds a complete site, old or new. ext4, xfs, btrfs, tmpfs and
//! overlayfs have it; where the file system or the kernel does not (or on other systems),
//! [`exchange`] says so with [`Unsupported`] and the caller falls back to two renames, which
//! leave the output missing for the moment between them (see `super::swap`).

use std::io;
use std::path::Path;

/// Whether an error of [`exchange`] means the file system cannot exchange (and two renames
/// should do instead), as opposed to a real failure.
pub fn unsupported(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP))
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Atomically exchanges the folders at `a` and `b`, which must both exist on one file system.
#[cfg(target_os = "linux")]
pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are to NUL-terminated strings that outlive the call; the system
    // call only reads them. It goes through `syscall` rather than glibc's wrapper, which older
    // C libraries lack.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere there is no exchange: the caller uses two renames.
#[cfg(not(target_os = "linux"))]
pub fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn two_folders_trade_places() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).expect("mkdir");
        std::fs::create_dir(&b).expect("mkdir");
        std::fs::write(a.join("x"), "from a").expect("write");
        match exchange(&a, &b) {
            Ok(()) => {
                assert_eq!(std::fs::read_to_string(b.join("x")).expect("moved"), "from a");
                assert!(!a.join("x").exists());
            }
            Err(e) => assert!(unsupported(&e), "{e}"),
        }
    }
}
