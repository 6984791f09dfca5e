using Loos.Edge.Lighting.Overriding;

namespace Loos.Edge.Lighting.Tests.Overriding;

public sealed class OverrideTimesTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Theory]
    [InlineData("2026-07-14T22:30", "2026-07-14T20:30:00Z")]
    [InlineData("2026-12-31T23:59", "2026-12-31T22:59:00Z")]
    [InlineData("2026-07-14T22:30:00+02:00", "2026-07-14T20:30:00Z")]
    [InlineData("2026-07-14T20:30Z", "2026-07-14T20:30:00Z")]
    public void TryParseLocalOrInstant_LocalOrWithOffset_GivesTheInstant(string text, string expectedUtc)
    {
        Assert.Null(OverrideTimes.TryParseLocalOrInstant("--from", text, Paris, out var instant));
        Assert.Equal(expectedUtc, OverrideTimes.Format(instant));
    }

    [Fact]
    public void TryParseLocalOrInstant_TimeTheClocksSkip_IsRefused()
    {
        var problem = OverrideTimes.TryParseLocalOrInstant("--from", "2026-03-29T02:30", Paris, out _);

        Assert.Equal("--from '2026-03-29T02:30' does not exist in Europe/Paris: the clocks skip it; give a time with its offset", problem);
    }

    [Fact]
    public void TryParseLocalOrInstant_TimeThatHappensTwice_IsRefusedWithBothOffsets()
    {
        var problem = OverrideTimes.TryParseLocalOrInstant("--until", "2026-10-25T02:30", Paris, out _);

        Assert.Equal("--until '2026-10-25T02:30' happens twice in Europe/Paris (the clocks go back); give its offset: +02:00 the first time, +01:00 the second", problem);
    }

    [Theory]
    [InlineData("+2h", 120)]
    [InlineData("+90m", 90)]
    [InlineData("+1h30m", 90)]
    [InlineData("+1d", 1440)]
    public void TryParseDuration_Durations(string text, int minutes)
    {
        Assert.True(OverrideTimes.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("+")]
    [InlineData("+0h")]
    [InlineData("2h")]
    [InlineData("+2x")]
    public void TryParseDuration_NotADuration(string text) => Assert.False(OverrideTimes.TryParseDuration(text, out _));
}
