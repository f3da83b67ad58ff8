//! A certificate authority made for one test with the `openssl` command:
//! its root, and server certificates it signs for chosen names, valid or
//! expired.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicU32, Ordering},
};

/// A server certificate and its key, as PEM files.
#[derive(Clone, Debug)]
pub struct Cert {
    /// The certificate.
    pub cert: PathBuf,
    /// Its private key.
    pub key: PathBuf,
}

/// A throwaway CA in its own directory.
#[derive(Debug)]
pub struct TestCa {
    dir: tempfile::TempDir,
    serial: std::cell::Cell<u32>,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the `openssl` command (Debian's openssl package)");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TestCa {
    /// A new CA (P-256, valid for two days).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // A name of its own: two test CAs never pass for each other.
        static MADE: AtomicU32 = AtomicU32::new(0);
        let subject = format!(
            "/CN=slipway test CA {} {}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        );
        openssl(
            dir.path(),
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                &subject,
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        Self {
            dir,
            serial: std::cell::Cell::new(0),
        }
    }

    /// The CA's root certificate (what `SSL_CERT_FILE` names to trust it).
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A server certificate for `names` (IP addresses or DNS names), valid
    /// for two days.
    pub fn server(&self, names: &[&str]) -> Cert {
        self.issue(names, "2")
    }

    /// The CA's own certificate and key, served as if they were a server's
    /// (the mistake of a self-signed CA used directly).
    pub fn itself(&self) -> Cert {
        Cert {
            cert: self.root(),
            key: self.dir.path().join("ca.key"),
        }
    }

    /// A server certificate for `names` that expired yesterday.
    pub fn expired(&self, names: &[&str]) -> Cert {
        self.issue(names, "-1")
    }

    fn issue(&self, names: &[&str], days: &str) -> Cert {
        let n = self.serial.get() + 1;
        self.serial.set(n);
        let dir = self.dir.path();
        let (key, csr, cert, ext) = (
            format!("server{n}.key"),
            format!("server{n}.csr"),
            format!("server{n}.pem"),
            format!("server{n}.ext"),
        );
        let alt: Vec<String> = names
            .iter()
            .map(|name| match name.parse::<std::net::IpAddr>() {
                Ok(_) => format!("IP:{name}"),
                Err(_) => format!("DNS:{name}"),
            })
            .collect();
        std::fs::write(
            dir.join(&ext),
            format!(
                "subjectAltName={}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
                alt.join(",")
            ),
        )
        .expect("extension file");
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                "/CN=slipway test server",
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &cert,
                "-days",
                days,
                "-extfile",
                &ext,
            ],
        );
        Cert {
            cert: dir.join(cert),
            key: dir.join(key),
        }
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}
