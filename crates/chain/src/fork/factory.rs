//! Forks named as users name them: a URL, an environment of `slipway.toml`
//! (its RPC providers, with failover), or an alias of a Foundry
//! `[rpc_endpoints]` table. What a forked node, `vm.createFork` and a
//! rehearsal are given as their [`ForkFactory`].

use std::{path::PathBuf, sync::Arc};

use slipway_config::{Config, RpcUrl, Target};
use slipway_evm::{ForkFactory, RemoteError, Upstream};

use super::{Fork, ForkAt};

/// Where the fork cache lives under a project.
pub const FORK_CACHE_DIR: &str = ".slipway/fork-cache";

/// A project's forks.
#[derive(Debug, Clone)]
pub struct Forks {
    config: Config,
    cache_root: Option<PathBuf>,
}

impl Forks {
    /// The forks of `config`'s project, cached under its
    /// `.slipway/fork-cache`.
    pub fn new(config: &Config) -> Self {
        Self {
            config: config.clone(),
            cache_root: Some(config.path(std::path::Path::new(FORK_CACHE_DIR))),
        }
    }

    /// Keeps nothing on disk.
    pub fn without_cache(mut self) -> Self {
        self.cache_root = None;
        self
    }

    /// The providers `source` names: a URL as it is, an environment's
    /// providers, or an `[rpc_endpoints]` alias (variables expanded).
    pub fn resolve(&self, source: &str) -> Result<Vec<RpcUrl>, RemoteError> {
        if source.contains("://") {
            let url = source
                .parse()
                .map_err(|e| RemoteError(format!("`{source}` is not a URL: {e}")))?;
            return Ok(vec![RpcUrl::new(url, false)]);
        }
        if let Some(template) = self.config.test.rpc_endpoints.get(source) {
            let expanded = self
                .config
                .vars()
                .expand(template)
                .map_err(|e| RemoteError(format!("[rpc_endpoints] {source}: {e}")))?;
            let url = expanded
                .parse()
                .map_err(|e| RemoteError(format!("[rpc_endpoints] {source} is not a URL: {e}")))?;
            return Ok(vec![RpcUrl::new(url, template.contains("${"))]);
        }
        match self.config.environment(source) {
            Ok(environment) => match environment.target {
                Target::Rpc(urls) => Ok(urls),
                Target::Embedded(_) => Err(RemoteError(format!(
                    "environment `{source}` is the embedded development chain: fork an environment with RPC URLs, or give a URL"
                ))),
            },
            Err(_) => Err(RemoteError(format!(
                "`{source}` is neither a URL, an environment of slipway.toml, nor an [rpc_endpoints] alias"
            ))),
        }
    }

    /// Forks `source` at `at`.
    pub fn open(&self, source: &str, at: ForkAt) -> Result<Arc<Fork>, RemoteError> {
        let urls = self.resolve(source)?;
        Fork::open(urls, at, self.cache_root.as_deref()).map_err(|e| RemoteError(e.to_string()))
    }
}

impl ForkFactory for Forks {
    fn fork(&self, source: &str, block: Option<u64>) -> Result<Arc<dyn Upstream>, RemoteError> {
        let at = block.map_or(ForkAt::Latest, ForkAt::Number);
        Ok(self.open(source, at)?)
    }

    fn url(&self, name: &str) -> Result<String, RemoteError> {
        let urls = self.resolve(name)?;
        urls.first()
            .map(|url| url.expose().to_string())
            .ok_or_else(|| RemoteError(format!("`{name}` names no RPC URL")))
    }
}
