namespace Loos.Edge.Core.Tests;

public sealed class SeriesKeyTests
{
    [Fact]
    public void Equals_TagsInAnotherOrder_AreEqualWithTheSameHash()
    {
        var a = new SeriesKey("power", [new Tag("b", "2"), new Tag("a", "1")], "active");
        var b = new SeriesKey("power", [new Tag("a", "1"), new Tag("b", "2")], "active");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal("a", a.Tags[0].Key);
    }

    [Theory]
    [InlineData("other", "active", "", ValueKind.Float, "2")]
    [InlineData("power", "reactive", "", ValueKind.Float, "2")]
    [InlineData("power", "active", "W", ValueKind.Float, "2")]
    [InlineData("power", "active", "", ValueKind.Integer, "2")]
    [InlineData("power", "active", "", ValueKind.Float, "3")]
    public void Equals_AnyPartDiffers_AreNotEqual(string measurement, string field, string unit, ValueKind kind, string tagValue)
    {
        var reference = new SeriesKey("power", [new Tag("a", "1"), new Tag("b", "2")], "active");
        var other = new SeriesKey(measurement, [new Tag("a", "1"), new Tag("b", tagValue)], field, unit, kind);

        Assert.NotEqual(reference, other);
    }

    [Fact]
    public void Equals_OnlyRepublishedDiffers_AreNotEqual()
    {
        var ordinary = new SeriesKey("heating_daily", [new Tag("home", "12")], "kwh", "kWh");
        var republished = new SeriesKey("heating_daily", [new Tag("home", "12")], "kwh", "kWh", republished: true);

        Assert.NotEqual(ordinary, republished);
        Assert.True(republished.Republished);
        Assert.False(ordinary.Republished);
    }

    [Fact]
    public void Constructor_RepeatedTagKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SeriesKey("m", [new Tag("a", "1"), new Tag("a", "2")], "f"));
    }

    [Fact]
    public void Constructor_EmptyNames_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SeriesKey("", [], "f"));
        Assert.Throws<ArgumentException>(() => new SeriesKey("m", [], ""));
        Assert.Throws<ArgumentException>(() => new SeriesKey("m", [new Tag("a", "")], "f"));
    }

    [Fact]
    public void GetTag_PresentAndAbsent_ReturnsValueOrNull()
    {
        var key = new SeriesKey("m", [new Tag("home", "12")], "f");

        Assert.Equal("12", key.GetTag("home"));
        Assert.Null(key.GetTag("building"));
    }
}
