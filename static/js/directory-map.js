/* The map of the directory's current results (templates/directory/includes/map.html).
   Without JavaScript the map is not offered and the list is everything. Leaflet and
   Leaflet.markercluster are loaded only when the map is first opened. The base layer is
   the tile server of the settings (MAP_TILE_URL) or, without one, the offline borders of
   the 16 states. The points come from /organisationen/karte.json with the page's query,
   again after each live update of the results ("directory:updated" on document, with
   detail.search) and on popstate. Keyboard: the map pans with the arrow keys, Tab reaches
   the markers and clusters, Enter opens a marker's popup (focus moves to its link) or
   zooms into a cluster; Escape closes the popup and returns to the marker. */
(function () {
  "use strict";

  var GERMANY = [[47.27, 5.87], [55.06, 15.04]];

  function loadStyle(href) {
    if (document.querySelector('link[href="' + href + '"]')) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.onload = resolve;
      link.onerror = reject;
      document.head.appendChild(link);
    });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadLibraries(data) {
    var styles = data.styles.split(" ").map(loadStyle);
    var scripts = data.scripts.split(" ");
    // markercluster extends L: one after the other.
    var chain = scripts.reduce(function (previous, src) {
      return previous.then(function () { return loadScript(src); });
    }, Promise.resolve());
    return Promise.all(styles.concat([chain]));
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
  }

  function popupContent(properties, data) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    link.className = "fw-semibold";
    box.appendChild(link);
    var place = [properties.postal_code, properties.city].filter(Boolean).join(" ");
    if (place) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(place));
    }
    if (properties.distance_km !== undefined) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(data.textDistance.replace("{km}", properties.distance_km)));
    }
    return box;
  }

  function enhance(root) {
    var data = root.dataset;
    var button = root.querySelector("[data-map-toggle]");
    var region = root.querySelector("#directory-map-region");
    var status = root.querySelector("[data-map-status]");
    var canvas = root.querySelector("[data-map-canvas]");
    var map = null;
    var cluster = null;
    var ready = null;  // the promise of the map being set up
    var search = window.location.search;
    var shown = null;  // the search whose points are on the map
    var request = 0;

    function makeMap() {
      var L = window.L;
      // People who asked their system for less motion get a map that does not fade or glide.
      var moving = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      map = L.map(canvas, {
        zoomSnap: 0.25, minZoom: 4, maxZoom: 18, scrollWheelZoom: false, zoomControl: false,
        fadeAnimation: moving, zoomAnimation: moving, markerZoomAnimation: moving
      });
      L.control.zoom({ zoomInTitle: data.textZoomIn, zoomOutTitle: data.textZoomOut }).addTo(map);
      map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
      canvas.setAttribute("role", "region");
      canvas.setAttribute("aria-label", data.textMap);
      canvas.setAttribute("aria-describedby", "directory-map-help");
      map.fitBounds(GERMANY);
      var icon = L.icon({
        iconUrl: data.icon, iconRetinaUrl: data.icon2x, shadowUrl: data.iconShadow,
        iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41]
      });
      cluster = L.markerClusterGroup({
        chunkedLoading: true,
        showCoverageOnHover: false,
        iconCreateFunction: function (group) {
          var count = group.getChildCount();
          var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
          var html = document.createElement("div");
          var number = document.createElement("span");
          number.setAttribute("aria-hidden", "true");
          number.textContent = count.toLocaleString(document.documentElement.lang || "de");
          var label = document.createElement("span");
          label.className = "visually-hidden";
          label.textContent = data.textCluster.replace("{count}", count);
          html.appendChild(number);
          html.appendChild(label);
          return L.divIcon({
            html: html.outerHTML, className: "marker-cluster marker-cluster-" + size,
            iconSize: L.point(40, 40)
          });
        }
      });
      cluster.on("animationend", function () {
        // A cluster opened by keyboard is gone: keep the focus on the map.
        if (document.activeElement === document.body) map.getContainer().focus();
      });
      map.addLayer(cluster);
      map.on("popupopen", function (event) {
        var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (close) close.setAttribute("aria-label", data.textClose);
        var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
        if (link && canvas.contains(document.activeElement)) link.focus();
      });
      // Escape closes the popup also while the focus is on a marker or in the popup
      // (Leaflet's own keyboard handler listens only while the map itself has the focus).
      canvas.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && map._popup && map.hasLayer(map._popup)) map.closePopup();
      });
      map.on("popupclose", function (event) {
        var source = event.popup._source;
        var element = source && source.getElement && source.getElement();
        var active = document.activeElement;
        if (element && (active === document.body || !active || event.popup.getElement().contains(active))) {
          element.focus();
        }
      });
      return { L: L, icon: icon };
    }

    function baseLayer(tools) {
      var L = tools.L;
      if (data.tileUrl) {
        L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 18 }).addTo(map);
        return Promise.resolve();
      }
      return getJSON(data.statesUrl).then(function (states) {
        L.geoJSON(states, {
          interactive: false,
          style: { color: "#5b6b7b", weight: 1, fillColor: "#eef1f4", fillOpacity: 1 }
        }).addTo(map);
        map.attributionControl.addAttribution(data.statesAttribution);
      });
    }

    function loadPoints(tools) {
      var L = tools.L;
      var mine = ++request;
      var wanted = search;
      status.textContent = data.textLoading;
      return getJSON(data.pointsUrl + wanted).then(function (collection) {
        if (mine !== request) return;  // a newer search was asked for meanwhile
        shown = wanted;
        var markers = collection.features.map(function (feature) {
          var point = feature.geometry.coordinates;
          var properties = feature.properties;
          var marker = L.marker([point[1], point[0]], {
            icon: tools.icon, title: properties.name, alt: properties.name, keyboard: true
          });
          marker.bindPopup(function () { return popupContent(properties, data); });
          return marker;
        });
        cluster.clearLayers();
        cluster.addLayers(markers);
        status.textContent = collection.status.join(" ");
      });
    }

    function open() {
      region.hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.textContent = data.textHide;
      if (!ready) {
        status.textContent = data.textLoading;
        ready = loadLibraries(data).then(function () {
          var tools = makeMap();
          return baseLayer(tools).then(function () { return tools; });
        });
        ready.then(loadPoints).catch(function () {
          status.textContent = data.textError;
          ready = null;
        });
      } else if (map) {
        map.invalidateSize();
        if (shown !== search) reload();
      }
    }

    function close() {
      region.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.textContent = data.textShow;
    }

    function reload() {
      ready.then(loadPoints).catch(function () { status.textContent = data.textError; });
    }

    function update(newSearch) {
      search = newSearch;
      if (ready && !region.hidden) reload();
    }

    button.addEventListener("click", function () {
      if (region.hidden) open(); else close();
    });
    document.addEventListener("directory:updated", function (event) {
      update(event.detail && typeof event.detail.search === "string" ? event.detail.search : window.location.search);
    });
    window.addEventListener("popstate", function () { update(window.location.search); });
    root.hidden = false;
  }

  function start() {
    var root = document.getElementById("directory-map");
    if (root && window.fetch && window.Promise) enhance(root);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
