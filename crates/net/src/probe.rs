//! `slipway probe URL`: the health check a container runs in exec form
//! (the image has no shell, no curl): one GET through the same client as
//! every other connection (trust, proxies), healthy when the answer is
//! 2xx within the timeout.

use std::time::Duration;

use url::Url;

use crate::{HttpClient, NetError, NetSettings, Timeouts};

/// What a probe found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// It answered 2xx.
    Healthy(u16),
    /// It answered, with another status.
    Unhealthy(u16),
    /// It did not answer in time, or could not be reached: why.
    Unreachable(String),
}

impl Probe {
    /// Whether the probe passed.
    pub fn passed(&self) -> bool {
        matches!(self, Self::Healthy(_))
    }
}

/// GETs `url`, giving up after `timeout`.
pub async fn probe(url: &Url, timeout: Duration) -> Result<Probe, NetError> {
    let client = HttpClient::new(&NetSettings::from_env(), Timeouts::uniform(timeout))?;
    Ok(match client.inner().get(url.clone()).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            if response.status().is_success() {
                Probe::Healthy(status)
            } else {
                Probe::Unhealthy(status)
            }
        }
        Err(error) => {
            let shown = redacted(url);
            Probe::Unreachable(client.failure(&error, url, shown).explain())
        }
    })
}

/// `url` without its user, password and query (which may hold a key).
fn redacted(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_credentials_or_query() {
        let url: Url = "https://user:secret@node.example/healthz?key=abc"
            .parse()
            .expect("url");
        assert_eq!(redacted(&url), "https://node.example/healthz");
    }
}
