//! Host names to addresses: a fixed table first (tests pin names to
//! loopback), then the system's resolver unless it is turned off. Failures
//! are a [`DnsFailure`], so they are recognised in any error chain.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{DnsFailure, NetSettings};

/// The resolver every slipway client uses.
#[derive(Clone, Debug)]
pub(crate) struct Resolver {
    hosts: Arc<HashMap<String, Vec<SocketAddr>>>,
    system: bool,
}

impl Resolver {
    pub(crate) fn new(settings: &NetSettings) -> Self {
        let mut hosts: HashMap<String, Vec<SocketAddr>> = HashMap::new();
        for (name, addr) in &settings.hosts {
            hosts
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push(*addr);
        }
        Self {
            hosts: Arc::new(hosts),
            system: settings.system_dns,
        }
    }

    /// The addresses of `host` (port 0: the caller sets it).
    pub(crate) async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, DnsFailure> {
        if let Some(addrs) = self.hosts.get(&host.to_ascii_lowercase()) {
            return Ok(addrs.clone());
        }
        if !self.system {
            return Err(DnsFailure {
                host: host.to_owned(),
                reason: "not in the configured host table".into(),
            });
        }
        let found = tokio::net::lookup_host((host, 0))
            .await
            .map_err(|e| DnsFailure {
                host: host.to_owned(),
                reason: e.to_string(),
            })?;
        let addrs: Vec<SocketAddr> = found.collect();
        if addrs.is_empty() {
            return Err(DnsFailure {
                host: host.to_owned(),
                reason: "no address".into(),
            });
        }
        Ok(addrs)
    }
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.clone();
        Box::pin(async move {
            let addrs = resolver.lookup(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}
