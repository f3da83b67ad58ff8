//! Where alerts go: the caller's own output (the binary prints them), a
//! JSONL file, a Slack-compatible webhook (retried with backoff; the dedup
//! key in an `Idempotency-Key` header and in the body), and a Prometheus
//! Alertmanager (`/api/v2/alerts`, which deduplicates by labels: the key is
//! one, a replica's id never is). URLs are shown redacted.

use std::{io::Write, path::PathBuf, time::Duration};

use backon::{ExponentialBuilder, Retryable};
use serde_json::{Value, json};
use slipway_config::{Config, RpcUrl, Sink};
use slipway_net::{HttpClient, NetSettings, Timeouts};

use slipway_ops::time::date as rfc3339;

use crate::{Alert, MonitorError};

/// A sink, resolved.
#[derive(Debug)]
enum Resolved {
    Output,
    Jsonl(PathBuf),
    Webhook(RpcUrl),
    Alertmanager(RpcUrl),
}

/// Every sink of an environment's monitor.
pub struct Sinks {
    sinks: Vec<Resolved>,
    client: HttpClient,
    output: Box<dyn Fn(&Alert) + Send + Sync>,
}

impl std::fmt::Debug for Sinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.sinks.iter()).finish()
    }
}

fn url(config: &Config, kind: &str, text: &str) -> Result<RpcUrl, MonitorError> {
    let expanded = config
        .vars()
        .expand(text)
        .map_err(|e| MonitorError::Sink(format!("{kind}: {e}")))?;
    let from_env = expanded != text;
    let parsed = url::Url::parse(expanded.trim()).map_err(|e| {
        MonitorError::Sink(format!(
            "{kind}: `{}` is not a URL ({e})",
            if from_env {
                "(from the environment)"
            } else {
                text
            }
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(MonitorError::Sink(format!(
            "{kind}: only http and https URLs are sent to"
        )));
    }
    Ok(RpcUrl::new(parsed, from_env))
}

impl Sinks {
    /// The sinks `config` names (the caller's output when it names none);
    /// `output` shows an alert where the caller shows things.
    pub fn new(
        config: &Config,
        output: Box<dyn Fn(&Alert) + Send + Sync>,
    ) -> Result<Self, MonitorError> {
        let mut sinks = Vec::new();
        for sink in &config.monitor.sink {
            sinks.push(match sink {
                Sink::Stdout => Resolved::Output,
                Sink::Jsonl { path } => Resolved::Jsonl(config.root.join(path)),
                Sink::Webhook { url: text } => Resolved::Webhook(url(config, "webhook", text)?),
                Sink::Alertmanager { url: text } => {
                    Resolved::Alertmanager(url(config, "alertmanager", text)?)
                }
            });
        }
        if sinks.is_empty() {
            sinks.push(Resolved::Output);
        }
        let client = HttpClient::new(
            &NetSettings::from_env(),
            Timeouts::uniform(Duration::from_secs(10)),
        )
        .map_err(|e| MonitorError::Sink(e.to_string()))?;
        Ok(Self {
            sinks,
            client,
            output,
        })
    }

    /// Sends `alert` to every sink; the first failure is returned (the
    /// alert stays in the outbox and goes to every sink again next time:
    /// receivers deduplicate by its key).
    pub async fn deliver(&self, alert: &Alert) -> Result<(), String> {
        for sink in &self.sinks {
            match sink {
                Resolved::Output => (self.output)(alert),
                Resolved::Jsonl(path) => append_line(path, alert)?,
                Resolved::Webhook(url) => {
                    // A retraction is news of its own about the same alert.
                    let idempotency = if alert.retracted {
                        format!("{}:retracted", alert.key)
                    } else {
                        alert.key.clone()
                    };
                    self.post(url, &webhook_body(alert), Some(&idempotency))
                        .await?;
                }
                Resolved::Alertmanager(url) => {
                    let mut endpoint = url.expose().clone();
                    endpoint.set_path(&format!(
                        "{}/api/v2/alerts",
                        endpoint.path().trim_end_matches('/')
                    ));
                    let shown = RpcUrl::new(endpoint, url.from_env());
                    self.post(&shown, &json!([alertmanager_alert(alert)]), None)
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn post(&self, url: &RpcUrl, body: &Value, key: Option<&str>) -> Result<(), String> {
        let send = || async {
            let mut request = self.client.inner().post(url.expose().clone()).json(body);
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            let response = request.send().await.map_err(|e| {
                self.client
                    .failure(&e, url.expose(), url.redacted())
                    .explain()
            })?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(format!(
                    "{} answered HTTP {}",
                    url.redacted(),
                    status.as_u16()
                ))
            }
        };
        send.retry(
            ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(200))
                .with_max_times(3),
        )
        .await
    }
}

fn append_line(path: &std::path::Path, alert: &Alert) -> Result<(), String> {
    let line = serde_json::to_string(alert).map_err(|e| e.to_string())?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    writeln!(file, "{line}")
        .and_then(|()| file.sync_data())
        .map_err(|e| format!("cannot append to {}: {e}", path.display()))
}

/// Slack's `text`, with the alert and its key beside it.
fn webhook_body(alert: &Alert) -> Value {
    json!({
        "text": format!(
            "[{}] {} on {}: {}",
            alert.severity_label(),
            alert.name,
            alert.env,
            alert.summary
        ),
        "key": alert.key,
        "alert": alert,
    })
}

/// An Alertmanager v2 alert: labels identify it (never a replica), a
/// retraction ends it.
fn alertmanager_alert(alert: &Alert) -> Value {
    let mut labels = json!({
        "alertname": alert.name,
        "severity": alert.severity_label(),
        "env": alert.env,
        "key": alert.key,
    });
    if let Some(contract) = &alert.contract {
        labels["contract"] = json!(contract);
    }
    let mut value = json!({
        "labels": labels,
        "annotations": { "summary": alert.summary },
        "startsAt": rfc3339(alert.at),
    });
    if alert.retracted {
        value["endsAt"] = json!(rfc3339(alert.at));
    }
    value
}
