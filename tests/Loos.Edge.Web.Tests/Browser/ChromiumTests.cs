namespace Loos.Edge.Web.Tests;

/// <summary>The accessibility check itself finds what it should: the pages' "no violation" means something.</summary>
public sealed class ChromiumTests
{
    [Fact]
    public void Axe_OnAPageWithAnImageWithoutTextAndAnUnlabelledField_ReportsBothAsCritical()
    {
        using var browser = new Chromium();
        browser.Open("data:text/html;charset=utf-8,<!doctype html><html><head><title>t</title></head><body><main><img src=\"x.png\"><input name=\"q\"></main></body></html>");

        var violations = browser.AccessibilityViolations();

        Assert.Contains(violations, v => v.Impact == "critical" && v.Description.StartsWith("image-alt:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Impact == "critical" && v.Description.StartsWith("label:", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Description.StartsWith("html-has-lang:", StringComparison.Ordinal));
    }
}
