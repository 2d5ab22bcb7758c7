// The coverage map's script: one file, cached by the browser and preloaded by a first visit's page
// (server.firstvisit), so a map's websocket message carries only its data and a few calls
// (geo/maps.py: pjkMap.coverage(map, D), pjkMap.fold, pjkMap.control, pjkMap.fitBeside).
// geo/mapscript.py serves it with the geometry decoder (geo/encode.py) before it and the map's CSS after.
// Every text from a table or a link reaches the page through esc() or as already escaped HTML.
(function(){
  function esc(s){return String(s).replace(/[&<>"']/g,function(c){return {"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c];});}

  // The polygons, the below-target overlay and the selection outline, from the payload D (maps._payload).
  function coverage(map, D){
    var css = document.getElementById('pjk-map-css');
    if (css) { document.head.appendChild(css); }  // after Leaflet's stylesheet (see style())
    var U = D.u;  // shared values (maps.shared_values): parent, target, fill (from the features file, with D.F)
    function feature(p, g, P){return {type:"Feature",properties:{kode:p[0],nama:p[1],induk:U[0][p[2]],cakupan:p[3],target:U[1][p[4]],gap:p[5],status:p[6],fill:U[2][p[7]],selected:p[8],change:p[9],dim:p[10],cost:p[11]},geometry:pjkGeometry(g || [],P)};}
    var L_ = D.labels;
    function tip(pr){
      var st = pr.status===0 ? L_.no_data : (pr.status===1 ? L_.below : L_.ok);
      return '<div class="pjk-tip"><b>'+esc(pr.nama)+'</b><br><span class="pjk-tip-sub">'+esc(pr.induk)+'</span><br>'+
        esc(L_.coverage)+': <b>'+esc(pr.cakupan)+'</b> &middot; '+esc(L_.target)+': '+esc(pr.target)+'<br>'+
        esc(L_.gap)+': '+esc(pr.gap)+'<br>'+(pr.change ? esc(L_.change)+': '+esc(pr.change)+'<br>' : '')+'<span class="pjk-st pjk-st-'+pr.status+'">'+esc(st)+'</span></div>';
    }
    // Touch has no hover: a tap opens a card with the area's figures, and the card's button does what a
    // click does with a mouse (st_folium reports the area to Python: the drill-down). st_folium's click
    // listeners (onLayerClick, added to every layer after this script) are wrapped when a finger first
    // comes down, so a tap only queues the report; a mouse click goes through unchanged.
    var box = map.getContainer(), touchTap = false, pending = [];
    function gate(){
      Object.keys(map._layers).forEach(function(id){
        var ev = map._layers[id]._events, hs = (ev && ev.click) || [];
        hs.forEach(function(h){
          if (h.fn && h.fn.name === 'onLayerClick' && !h.fn._pjk) {
            var fn = h.fn;
            h.fn = function(e){ if (touchTap) { pending.push([fn, this, e]); } else { fn.call(this, e); } };
            h.fn._pjk = true;
          }
        });
      });
    }
    var card = L.control({position: 'bottomleft'});
    card.onAdd = function(){ var d = L.DomUtil.create('div', 'pjk-area-box'); d.hidden = true;
      L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d); return d; };
    card.addTo(map);
    var cardEl = card.getContainer();
    box.addEventListener('pointerdown', function(e){
      touchTap = e.pointerType === 'touch' || e.pointerType === 'pen';
      if (touchTap && !cardEl.contains(e.target)) { pending = []; gate(); }
    }, true);
    function openCard(pr){
      var st = pr.status===0 ? L_.no_data : (pr.status===1 ? L_.below : L_.ok);
      cardEl.innerHTML = '<button type="button" class="pjk-area-x" aria-label="'+esc(L_.close)+'">&times;</button>'+
        '<div class="pjk-area-name">'+esc(pr.nama)+'</div><div class="pjk-tip-sub">'+esc(pr.induk)+'</div>'+
        '<div>'+esc(L_.coverage)+': <b>'+esc(pr.cakupan)+'</b> &middot; '+esc(L_.target)+': '+esc(pr.target)+'</div>'+
        '<div>'+esc(L_.gap)+': '+esc(pr.gap)+'</div><div>'+esc(L_.cost)+': '+esc(pr.cost)+'</div>'+
        '<div class="pjk-st pjk-st-'+pr.status+'">'+esc(st)+'</div>'+
        '<button type="button" class="pjk-area-go">'+esc(L_.details)+' &rsaquo;</button>';
      cardEl.hidden = false;
      cardEl.querySelector('.pjk-area-x').onclick = function(){ cardEl.hidden = true; pending = []; };
      cardEl.querySelector('.pjk-area-go').onclick = function(){
        var todo = pending; pending = [];
        todo.forEach(function(c){ c[0].call(c[1], c[2]); });
      };
    }
    // One finger scrolls the page past the map; two fingers pan and pinch it (Leaflet's touch zoom moves
    // the map with the fingers' midpoint). Without dragging, Leaflet's CSS lets the browser pan the page.
    if (window.matchMedia && window.matchMedia('(pointer: coarse)').matches) {
      map.dragging.disable();
      var hint = L.DomUtil.create('div', 'pjk-gesture-hint', box), hintT = null;
      hint.textContent = L_.two_fingers;
      box.addEventListener('touchmove', function(e){
        if (e.touches.length !== 1) { return; }
        hint.classList.add('pjk-on'); clearTimeout(hintT);
        hintT = setTimeout(function(){ hint.classList.remove('pjk-on'); }, 1200);
      }, {passive: true});
    }
    // Leaflet focuses the map on mousedown (for its keys) without preventScroll: the browser then scrolls
    // the page until the whole map is in view, between the button going down and up (63 px measured),
    // and the click lands on another area or none (no drill-down). Focus it without scrolling.
    if (map.keyboard && map.keyboard.enabled()) {
      map.keyboard.disable();
      map.keyboard._onMouseDown = function(){
        if (!this._focused) { this._map._container.focus({preventScroll: true}); }
      };
      map.keyboard.enable();
    }
    var K = D.s.ink, lin = function(p, x){return Math.min(p[3], Math.max(p[2], p[0] + p[1]*x));};
    var ink = {outline:K.outline[2], hatch_gap:K.hatch_gap[2], hatch_width:K.hatch_width[2], border:K.border[2], median:0};
    var base = L.geoJSON(null, {
      style: function(f){return {color:D.s.border, weight:ink.border,
        fillColor: f.properties.status===0 ? 'url(#pjk-nodata)' : f.properties.fill,
        fillOpacity: f.properties.dim ? 0.15 : (f.properties.status===0 ? 1 : 0.88), opacity: f.properties.dim ? 0.3 : 0.9};},
      onEachFeature: function(f, layer){
        layer.bindTooltip(tip(f.properties), {sticky:true, direction:'top', className:'pjk-tooltip'});
        layer.on('mouseover', function(){layer.setStyle({weight:ink.border+2});});
        layer.on('mouseout', function(){base.resetStyle(layer);});
        layer.on('click', function(){ if (touchTap) { layer.closeTooltip(); openCard(f.properties); } });
      }
    });
    // The marked side: below target (hatch + outline) or, when most areas are below, at/above (outline).
    var side = D.s.mark === 'below' ? 1 : (D.s.mark === 'above' ? 2 : -1);
    var hatch = D.s.mark === 'below';
    var below = L.geoJSON(null, {
      interactive:false,
      style: function(){return {color:D.s.below_outline, weight:ink.outline, opacity:1, fill:hatch, fillColor:'url(#pjk-hatch)', fillOpacity:1};}
    });
    var sel = L.geoJSON(null, {
      interactive:false, style: function(){return {color:D.s.selected, weight:ink.outline+2, opacity:1, fill:false};}
    });
    var feats = [], boxes = [];
    function addFeatures(geometry, P){
      feats = D.f.map(function(p, i){ return feature(p, geometry(p, i), P); });
      base.addData(feats);
      below.addData(feats.filter(function(f){return f.properties.status===side && !f.properties.dim;}));
      sel.addData(feats.filter(function(f){return f.properties.selected===1;}));
      base.eachLayer(function(l){ if (!l.feature.properties.dim) { boxes.push(l.getBounds()); } });
      if (window.pjkLayers) { window.pjkLayers.count = feats.length; }
    }
    // Ink follows the median on-screen diameter of the areas (style.ink): thin and sparse for many small areas.
    function pjkInk(){
      var d = boxes.map(function(b){ var a = map.latLngToLayerPoint(b.getNorthWest()), c = map.latLngToLayerPoint(b.getSouthEast());
        return Math.sqrt(Math.abs((c.x - a.x) * (c.y - a.y))); }).sort(function(x, y){return x - y;});
      var med = d.length ? d[Math.floor(d.length / 2)] : 100;
      ink = {outline:lin(K.outline, med), hatch_gap:lin(K.hatch_gap, med), hatch_width:lin(K.hatch_width, med), border:lin(K.border, med), median:med};
      base.eachLayer(function(l){ base.resetStyle(l); });
      below.setStyle({weight:ink.outline});
      sel.setStyle({weight:ink.outline + 2});
      var pat = document.getElementById('pjk-hatch');
      if (pat) {
        var g = ink.hatch_gap.toFixed(2);
        pat.setAttribute('width', g); pat.setAttribute('height', g);
        var ln = pat.querySelector('line'), h = (ink.hatch_gap / 2).toFixed(2); ln.setAttribute('y2', g); ln.setAttribute('x1', h); ln.setAttribute('x2', h); ln.setAttribute('stroke-width', ink.hatch_width.toFixed(2));
      }
      window.pjkInk = ink;
    }
    map.on('zoomend', pjkInk);
    // A fit needs the map's size. A frame not laid out yet (Leaflet from the cache runs this before
    // Streamlit sizes the iframe) has none: Leaflet's fitBounds would throw, the rest of the map's script
    // would not run and st_folium would attach no click handlers. Wait for a size instead.
    function whenSized(fn){
      var el = map.getContainer();
      if (el.clientWidth > 0 && el.clientHeight > 0) { fn(); return; }
      var ro = new ResizeObserver(function(){
        if (el.clientWidth > 0 && el.clientHeight > 0) { ro.disconnect(); map.invalidateSize({pan:false}); fn(); }
      });
      ro.observe(el);
    }
    // The view to fit: the selected area, else all. With the geometry inside the payload (D.g) the areas
    // are built now; with a geometry file (D.G, geo/mapgeo) the payload brings the bounds (D.b) and the
    // map is fitted before the areas arrive, so they are drawn once, at the final view.
    var fitTo = null;
    if (D.g) {
      addFeatures(function(p, i){ return D.g[i]; }, D.p);
      fitTo = sel.getLayers().length ? sel.getBounds() : base.getBounds();
    } else if (D.b) {
      fitTo = L.latLngBounds(D.b);
    }
    function fit(){
      if (fitTo && fitTo.isValid()) { map.fitBounds(fitTo, {padding:[4,4], animate:false}); }
      pjkInk();
    }
    whenSized(fit);
    // Until a person moves the map, it fits its areas again when its frame changes size (a page that settles
    // after the map is drawn, presentation mode's full height, a phone turned): Leaflet only keeps the centre.
    var touched = false;
    ['pointerdown', 'wheel', 'keydown'].forEach(function(t){
      box.addEventListener(t, function(){ touched = true; }, {capture: true, passive: true});
    });
    map.on('resize', function(){ if (!touched && window.pjkLayers) { window.pjkLayers.fit(); } });
    // The layers go on the map once: FitBesideControls, the last of the map's scripts, fits the view beside
    // the legend and then calls show(), still inside the map's script, because st_folium attaches its click
    // handler to the layers on the map right after it (to ``base``: a click on an area reaches it as the
    // group's event, with the area as ``layer``, also for areas added later from the geometry file).
    var shown = false;
    function defs(){
      var svg = map.getPanes().overlayPane.querySelector('svg');
      if (svg && !svg.querySelector('#pjk-hatch')) {
        svg.insertAdjacentHTML('afterbegin', D.defs);
      }
    }
    function show(){
      if (shown) { return; }
      shown = true;
      base.addTo(map); below.addTo(map); sel.addTo(map);
      defs();
    }
    Promise.resolve().then(show);  // a map without FitBesideControls still shows its areas
    window.pjkLayers = {base: base, below: below, selected: sel, count: feats.length, mark: D.s.mark, restyle: pjkInk, show: show, whenSized: whenSized, bounds: function(){ return fitTo; }, fit: fit};
    if (!D.g) {
      // The files (geo/mapgeo): usually in the browser's cache already, the page's first HTML asked for them.
      var tries = 0;
      var getJSON = function(url){
        return fetch(url, {credentials: 'same-origin'}).then(function(r){
          if (!r.ok) { throw new Error('HTTP ' + r.status); }
          return r.json();
        });
      };
      (function get(){
        Promise.all([getJSON(D.G), D.F ? getJSON(D.F) : null]).then(function(got){
          var G = got[0], F = got[1];
          if (F) { D.f = F.f; U = F.u; }
          addFeatures(function(p){ return G.g[p[0]]; }, G.p);
          pjkInk(); defs();
        }).catch(function(){ if (++tries < 4) { setTimeout(get, 1000 * tries); } });
      })();
    }
  }

  // Fit the areas into the part of the map the legend and panels leave free.
  function fitBeside(map){
    var P = window.pjkLayers; if (!P) { return; }
    var b = P.bounds();
    if (b && b.isValid()) { P.fit = function(){
      var c = map._controlCorners, w = function(k){ return c[k] ? c[k].offsetWidth : 0; };
      var left = Math.max(w('topleft'), w('bottomleft')), right = Math.max(w('topright'), w('bottomright'));
      var free = map.getSize().x - left - right;
      // narrow screen (a phone: the panels are folded into one button): overlap rather than shrink
      if (free < map.getSize().x * 0.4 || map.getSize().x <= 640) { left = right = 12; }
      map.fitBounds(b, {paddingTopLeft: [left + 4, 4], paddingBottomRight: [right + 4, 4], animate: false});
      if (P.restyle) { P.restyle(); }
    }; P.whenSized(P.fit); }
    if (P.show) { P.show(); }  // the areas are drawn once, here, at the final view
  }

  // On a narrow map the legend, title box and panels fold into one small button (tap to open);
  // the folding itself is CSS (.pjk-unfolded under a max-width query): a wide map never shows the button.
  function fold(map, label){
    var c = L.control({position: 'topright'});
    c.onAdd = function(){
      var b = L.DomUtil.create('button', 'pjk-fold');
      b.type = 'button'; b.textContent = label; b.setAttribute('aria-expanded', 'false');
      L.DomEvent.disableClickPropagation(b);
      b.addEventListener('click', function(){
        var open = !L.DomUtil.hasClass(map.getContainer(), 'pjk-unfolded');
        (open ? L.DomUtil.addClass : L.DomUtil.removeClass)(map.getContainer(), 'pjk-unfolded');
        b.setAttribute('aria-expanded', open ? 'true' : 'false');
      });
      return b;
    };
    c.addTo(map);
  }

  // A fixed block of (already escaped) HTML in a map corner.
  function control(map, position, cls, html){
    var c = L.control({position: position});
    c.onAdd = function(){ var d = L.DomUtil.create('div', cls); d.innerHTML = html;
      L.DomEvent.disableClickPropagation(d); return d; };
    c.addTo(map);
  }

  // The map's CSS (geo/mapscript.CSS), once in the page and last in its <head>: st_folium adds Leaflet's
  // stylesheet after the scripts have loaded, and on a tie the later rule wins (the map's background).
  function style(css){
    var s = document.getElementById('pjk-map-css');
    if (!s) { s = document.createElement('style'); s.id = 'pjk-map-css'; s.textContent = css; }
    document.head.appendChild(s);  // appending an element already there moves it to the end
  }

  window.pjkMap = {coverage: coverage, fitBeside: fitBeside, fold: fold, control: control, style: style};
})();
