//! A local S3-compatible store: PyPI moto in server mode (`moto_server`),
//! on a free loopback port, and boto3 — AWS's own Python client — to make
//! buckets in it and to see what a client of slipway's wrote there.

use std::process::Command;

use crate::{Running, free_port};

/// moto's S3, running.
#[derive(Debug)]
pub struct MotoS3 {
    _process: Running,
    port: u16,
}

impl MotoS3 {
    /// Starts `moto_server` on 127.0.0.1.
    pub fn start() -> Self {
        let port = free_port();
        let mut command = Command::new("moto_server");
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        let (process, _) = Running::start(command, "moto_server", "Running on");
        Self {
            _process: process,
            port,
        }
    }

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The variables an S3 client needs for this store (test credentials).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", self.url()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
        ]
    }

    fn boto3(&self, script: &str) -> String {
        let out = Command::new("python3")
            .arg("-c")
            .arg(format!(
                "import boto3, json, sys\ns3 = boto3.client('s3', endpoint_url='{}', aws_access_key_id='testing', aws_secret_access_key='testing', region_name='us-east-1')\n{script}",
                self.url()
            ))
            .output()
            .expect("python3 with boto3 (installed with moto by scripts/test)");
        assert!(
            out.status.success(),
            "boto3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Makes `bucket`, through boto3.
    pub fn create_bucket(&self, bucket: &str) {
        self.boto3(&format!("s3.create_bucket(Bucket='{bucket}')"));
    }

    /// The objects under `bucket`, through boto3: (key, size).
    pub fn list(&self, bucket: &str) -> Vec<(String, u64)> {
        let text = self.boto3(&format!(
            "r = s3.list_objects_v2(Bucket='{bucket}')\nprint(json.dumps([[o['Key'], o['Size']] for o in r.get('Contents', [])]))"
        ));
        serde_json::from_str(text.trim()).expect("boto3's listing")
    }
}
