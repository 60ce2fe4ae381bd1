// Live regions of the Taproot web UI: an element with data-live="URL" and data-live-on="true" is
// fetched again from URL every data-refresh milliseconds and replaced by what comes back, until the
// new copy says data-live-on="false" (the run finished). Focus stays on the element that had it.
// No framework: the server renders every page; this only refreshes the parts that move.

const DEFAULT_REFRESH_MS = 1500;

function watch(region) {
  const every = Number(region.dataset.refresh) || DEFAULT_REFRESH_MS;
  let current = region;
  const tick = async () => {
    if (current.dataset.liveOn !== "true" || !current.isConnected) {
      return;
    }
    try {
      const response = await fetch(current.dataset.live, { headers: { Accept: "text/html" } });
      if (response.ok) {
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const next = doc.body.firstElementChild;
        if (next) {
          const focusedId = current.contains(document.activeElement) ? document.activeElement.id : null;
          current.replaceWith(next);
          current = next;
          if (focusedId) {
            document.getElementById(focusedId)?.focus();
          }
        }
      }
    } catch (e) {
      // the service may be restarting: try again at the next tick
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

document.querySelectorAll("[data-live]").forEach(watch);
