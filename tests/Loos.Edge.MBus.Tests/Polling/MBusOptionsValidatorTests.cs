using Loos.Edge.MBus.Polling;

namespace Loos.Edge.MBus.Tests.Polling;

public sealed class MBusOptionsValidatorTests
{
    [Fact]
    public void Check_ValidLineWithPrimaryAndSecondaryMeters_NoProblem()
    {
        var options = Options(Line(
            MBusLinePollerTests.Meter("home-12", "12", address: 5),
            MBusLinePollerTests.Meter("home-14", "14", secondary: "06855817:KAM:8:4")));

        Assert.Empty(MBusOptionsValidator.Check(options));
    }

    [Theory]
    [InlineData(251, "mbus:lines:0:meters:0:address: 251 is not a primary address (0-250, 254)")]
    [InlineData(253, "mbus:lines:0:meters:0:address: 253 is not a primary address (0-250, 254)")]
    [InlineData(-1, "mbus:lines:0:meters:0:address: -1 is not a primary address (0-250, 254)")]
    public void Check_NotAPrimaryAddress_NamesTheKey(int address, string expected)
    {
        var problem = Assert.Single(MBusOptionsValidator.Check(Options(Line(MBusLinePollerTests.Meter("home-12", "12", address: address)))));

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Check_TestAddressWithSeveralMeters_Rejected()
    {
        var options = Options(Line(MBusLinePollerTests.Meter("a", "12", address: 254), MBusLinePollerTests.Meter("b", "14", address: 3)));

        var problem = Assert.Single(MBusOptionsValidator.Check(options));

        Assert.StartsWith("mbus:lines:0:meters:0:address: 254 reaches every meter", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BothOrNeitherAddress_NamesTheMeter()
    {
        var options = Options(Line(
            MBusLinePollerTests.Meter("both", "12", address: 5, secondary: "06855817"),
            MBusLinePollerTests.Meter("neither", "14")));

        var problems = MBusOptionsValidator.Check(options);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("mbus:lines:0:meters:0:address: give either address (primary) or secondary, not both", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("mbus:lines:0:meters:1:address: a meter needs its primary address", problems[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0685581", "mbus:lines:0:meters:0:secondary: '0685581' is not 8 identification digits (0-9, F or * for any digit)")]
    [InlineData("06855817:KA", "mbus:lines:0:meters:0:secondary: manufacturer 'KA' is not three letters")]
    [InlineData("0685FFFF", "mbus:lines:0:meters:0:secondary: '0685FFFF' has wildcard digits; polling needs the meter's whole identification number")]
    public void Check_BadSecondaryAddress_GivesTheParsersReason(string secondary, string expected)
    {
        var problem = Assert.Single(MBusOptionsValidator.Check(Options(Line(MBusLinePollerTests.Meter("home-12", "12", secondary: secondary)))));

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Check_DuplicateNamesAndAddresses_EachReported()
    {
        var options = Options(
            Line(
                MBusLinePollerTests.Meter("home-12", "12", address: 5),
                MBusLinePollerTests.Meter("home-12", "14", address: 5),
                MBusLinePollerTests.Meter("home-16", "16", secondary: "06855817"),
                MBusLinePollerTests.Meter("home-18", "18", secondary: "06855817")),
            Line());

        var problems = MBusOptionsValidator.Check(options);

        Assert.Equal(
            [
                "mbus:lines:0:meters:1:name 'home-12' is used by another meter on this line",
                "mbus:lines:0:meters:1:address: 5 is also the address of meter 'home-12' on this line",
                "mbus:lines:0:meters:3:secondary: 06855817 is also the address of meter 'home-16' on this line",
                "mbus:lines:1:name 'cellar' is used by another line",
            ],
            problems);
    }

    [Fact]
    public void Check_SameAddressOnTwoLines_Allowed()
    {
        var second = Line(MBusLinePollerTests.Meter("home-14", "14", address: 5));
        second.Name = "garage";

        Assert.Empty(MBusOptionsValidator.Check(Options(Line(MBusLinePollerTests.Meter("home-12", "12", address: 5)), second)));
    }

    [Fact]
    public void Check_MeterProblems_EachNamesItsKey()
    {
        var unknownProfile = MBusLinePollerTests.Meter("water", null, address: 1);
        unknownProfile.Profile = "water-meter";
        var noHome = MBusLinePollerTests.Meter("home-x", null, address: 2);
        var badInterval = MBusLinePollerTests.Meter("home-y", "20", address: 3, interval: TimeSpan.Zero);
        badInterval.Tags["home"] = "21";
        var allRecordsWithoutHome = MBusLinePollerTests.Meter("electricity", null, address: 4);
        allRecordsWithoutHome.Profile = "all-records";

        var problems = MBusOptionsValidator.Check(Options(Line(unknownProfile, noHome, badInterval, allRecordsWithoutHome)));

        Assert.Equal(
            [
                "mbus:lines:0:meters:0:profile: 'water-meter' is not one of heat-meter, all-records",
                "mbus:lines:0:meters:1:home is required for profile heat-meter: the heating analysis groups heat meters by home",
                "mbus:lines:0:meters:2:interval must be positive",
                "mbus:lines:0:meters:2:tags:home: the home tag comes from the meter's home key",
            ],
            problems);
    }

    [Fact]
    public void Check_LineProblems_IncludeTheMastersWithThisSectionsKeys()
    {
        var line = Line(MBusLinePollerTests.Meter("home-12", "12", address: 5));
        line.Name = "";
        line.Device = "";
        line.Baud = 2000;
        line.Parity = "X";
        line.StopBits = 3;
        line.Retries = 11;
        line.MaxTelegrams = 0;
        line.ResponseTimeout = TimeSpan.FromMinutes(1);
        line.OfflineAfterTimeouts = 0;
        line.InitialBackoff = TimeSpan.FromMinutes(1);
        line.MaxBackoff = TimeSpan.FromSeconds(1);

        var problems = MBusOptionsValidator.Check(Options(line));

        Assert.Equal(
            [
                "mbus:lines:0:name is required",
                "mbus:lines:0:parity 'X' is not one of N, E, O",
                "mbus:lines:0:stopBits 3 is not 1 or 2",
                "mbus:lines:0:offlineAfterTimeouts must be at least 1",
                "mbus:lines:0:maxBackoff must be at least initialBackoff",
                "mbus:lines:0:device: the serial device of the M-Bus level converter is required (e.g. /dev/ttyUSB0)",
                "mbus:lines:0:baud: 2000 is not an M-Bus rate (300, 600, 1200, 2400, 4800, 9600, 19200, 38400)",
                "mbus:lines:0:retries: 11 is outside 0..10",
                "mbus:lines:0:maxTelegrams: 0 is outside 1..255",
                "mbus:lines:0:responseTimeout: 00:01:00 is outside (0, 30 s]",
            ],
            problems);
    }

    [Fact]
    public void Check_UnknownTimeZone_NamesTheKey()
    {
        var options = Options(Line(MBusLinePollerTests.Meter("home-12", "12", address: 5)));
        options.MeterTimeZone = "Europe/Lille";

        var problem = Assert.Single(MBusOptionsValidator.Check(options));

        Assert.Equal("mbus:meterTimeZone: 'Europe/Lille' is not a known time zone (an IANA name such as Europe/Paris)", problem);
    }

    [Fact]
    public void Validate_Problems_FailWithEveryOne()
    {
        var options = Options(Line(MBusLinePollerTests.Meter("home-12", null, address: 251)));

        var result = MBusOptionsValidator.Check(options);

        Assert.NotEmpty(result);
        Assert.Equal(2, result.Count);
    }

    private static MBusOptions Options(params MBusPolledLineOptions[] lines)
    {
        var options = new MBusOptions();
        options.Lines.AddRange(lines);
        return options;
    }

    private static MBusPolledLineOptions Line(params MBusMeterOptions[] meters) => MBusLinePollerTests.Line(meters);
}
