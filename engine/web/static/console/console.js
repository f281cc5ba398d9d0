/* The case diagram: bpmn-js (navigated viewer, served from our npm install) with the case's overlays —
   path taken, where it waits now, failed elements, a badge with the time spent at each. With JavaScript
   off, or if anything here fails, the server's SVG picture stays in place. */
(function () {
  'use strict';
  var box = document.getElementById('diagram');
  var fallback = document.getElementById('diagram-fallback');
  var data = document.getElementById('case-overlays');
  if (!box || !data || typeof window.BpmnJS !== 'function') { return; }
  var marks = JSON.parse(data.textContent);
  var stateOf = function (id) {
    if (marks.failed.indexOf(id) >= 0) { return 'failed'; }
    if (marks.current.indexOf(id) >= 0) { return 'current'; }
    return marks.done.indexOf(id) >= 0 ? 'done' : null;
  };
  box.hidden = false;
  var viewer = new window.BpmnJS({ container: box });
  fetch(box.getAttribute('data-xml-url'), { credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) { throw new Error('diagram ' + response.status); }
      return response.text();
    })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      var overlays = viewer.get('overlays');
      registry.forEach(function (element) {
        var state = stateOf(element.id);
        if (state) { canvas.addMarker(element.id, 'sx-' + state); }
        var flow = element.type === 'bpmn:SequenceFlow' && element.businessObject;
        if (flow && stateOf(flow.sourceRef.id) === 'done' && stateOf(flow.targetRef.id)) {
          canvas.addMarker(element.id, 'sx-done');
        }
      });
      Object.keys(marks.badges).forEach(function (id) {
        if (!registry.get(id)) { return; }
        var badge = document.createElement('div');
        badge.className = 'sx-badge sx-' + (stateOf(id) || 'done');
        badge.textContent = marks.badges[id];
        overlays.add(id, 'sx-time', { position: { top: -20, left: 0 }, html: badge });
      });
      canvas.zoom('fit-viewport', 'auto');
      if (fallback) { fallback.hidden = true; }
      box.setAttribute('data-ready', 'yes');
    })
    .catch(function (error) {
      box.hidden = true;
      box.setAttribute('data-error', String(error));
    });
}());
