// Click the captcha image for a new one.
document.querySelectorAll("#captcha-image").forEach(function (image) {
  image.style.cursor = "pointer";
  image.addEventListener("click", function () {
    image.src = image.src.split("?")[0] + "?" + Date.now();
  });
});
