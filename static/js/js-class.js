// Loaded in <head>: marks the page as scripted before it is drawn, so that the CSS for pages
// without JavaScript (html:not(.js) in static/css/app.css) never flashes.
document.documentElement.classList.add("js");
