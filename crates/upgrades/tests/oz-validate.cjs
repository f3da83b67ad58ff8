// OpenZeppelin's own upgrade-safety validator (npm @openzeppelin/upgrades-core)
// on a build-info folder, for each [new, reference] pair given as JSON:
// prints, per new contract, whether it passed and the kinds of its
// validation errors and storage layout errors. A pair whose new contract
// is null asks for the whole build: its result, under "*", lists every
// upgradeable contract found. The second opinion the agreement test holds
// slipway's verdicts against.
const { validateUpgradeSafety } = require('@openzeppelin/upgrades-core');

(async () => {
  const [dir, pairs] = process.argv.slice(2);
  const out = {};
  for (const [updated, reference] of JSON.parse(pairs)) {
    try {
      const report = await validateUpgradeSafety(dir, updated ?? undefined, reference ?? undefined, {});
      if (updated === null) {
        out['*'] = report.upgradeableContractReports.map(r => ({
          contract: r.contract,
          ok: r.ok,
          validation: r.standaloneReport.errors.map(e => e.kind),
        }));
        continue;
      }
      const contract = report.upgradeableContractReports[0];
      out[updated] = {
        ok: report.ok,
        validation: contract ? contract.standaloneReport.errors.map(e => e.kind) : [],
        layout: contract && contract.storageLayoutReport ? contract.storageLayoutReport.ops.map(o => o.kind) : [],
      };
    } catch (e) {
      out[updated] = { error: String(e.message) };
    }
  }
  console.log(JSON.stringify(out));
})();
