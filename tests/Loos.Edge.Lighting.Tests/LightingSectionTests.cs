namespace Loos.Edge.Lighting.Tests;

public sealed class LightingSectionTests
{
    [Fact]
    public void A_circuit_without_controller_or_power_is_refused_with_each_key()
    {
        var options = new LightingOptions { Circuits = { new CircuitOptions { Name = "rue-basly" } } };

        var problems = LightingOptionsValidator.Check(options);

        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:controller");
        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:ratedPowerW");
        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:luminaires");
    }

    [Fact]
    public void EmptyValues_LeftByTheSiteFile_AreReportedAsMissing_NotThrown()
    {
        // What the binder makes of "name:", "programme:" and "- " with nothing after them.
        var options = new LightingOptions
        {
            Circuits = { new CircuitOptions { Name = null!, Controller = "armoire/12", Luminaires = { null!, "l+" }, RatedPowerW = 100 } },
            Programmes = { new ProgrammeOptions { Name = null!, Steps = { null!, new StepOptions { At = null!, Level = 50 } } } },
            Calendar = { new CalendarRuleOptions { Programme = null!, Dates = { null! } } },
        };

        var problems = LightingOptionsValidator.Check(options);

        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:name");
        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:controller");
        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:luminaires:0");
        Assert.Contains(problems.Entries, p => p.Key == "lighting:circuits:0:luminaires:1");
        Assert.Contains(problems.Entries, p => p.Key.StartsWith("lighting:programmes:0:steps:1", StringComparison.Ordinal));
        Assert.Contains(problems.Entries, p => p.Key == "lighting:calendar:0:programme");
    }
}
