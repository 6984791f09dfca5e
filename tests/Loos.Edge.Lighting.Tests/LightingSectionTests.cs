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
}
