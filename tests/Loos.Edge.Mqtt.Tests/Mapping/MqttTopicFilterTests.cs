using Loos.Edge.Mqtt.Mapping;

namespace Loos.Edge.Mqtt.Tests.Mapping;

public sealed class MqttTopicFilterTests
{
    [Theory]
    // MQTT 5.0 §4.7.1.2: '#' matches the parent level and any number of child levels.
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("sport/#", "sports", false)]
    [InlineData("#", "sport/tennis", true)]
    [InlineData("#", "/", true)]
    // §4.7.1.3: '+' matches exactly one level, possibly empty.
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+/tennis/#", "sport/tennis", true)]
    // §4.7.2: wildcards at the start do not match topics starting with '$'.
    [InlineData("#", "$SYS/broker/clients", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("$SYS/#", "$SYS/broker/clients", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    // Topic names are case-sensitive and match level by level.
    [InlineData("tele/+/SENSOR", "tele/plug-1/SENSOR", true)]
    [InlineData("tele/+/SENSOR", "tele/plug-1/sensor", false)]
    [InlineData("tele/+/SENSOR", "tele/plug-1/SENSOR/", false)]
    [InlineData("a/b", "a/bc", false)]
    [InlineData("a/bc", "a/b", false)]
    [InlineData("zigbee2mqtt/{device}", "zigbee2mqtt/kitchen", true)]
    [InlineData("zigbee2mqtt/{device}", "zigbee2mqtt/bridge/state", false)]
    public void Matches_PerMqttSpecification(string filter, string topic, bool expected)
    {
        var compiled = MqttTopicFilter.TryParse(filter, out var problem);

        Assert.NotNull(compiled);
        Assert.Null(problem);
        Assert.Equal(expected, compiled.Matches(topic));
    }

    [Theory]
    [InlineData("", "a topic filter is required")]
    [InlineData("sport/tennis#", "a wildcard must be a whole level")]
    [InlineData("sport/#/ranking", "'#' must be the last level")]
    [InlineData("sport+", "a wildcard must be a whole level")]
    [InlineData("a/{}/b", "is not a tag name in braces")]
    [InlineData("a/x{device}", "a tag name in braces must be a whole level")]
    [InlineData("{site}/{site}", "tag 'site' is named by two levels")]
    public void TryParse_InvalidFilter_SaysWhy(string filter, string expected)
    {
        Assert.Null(MqttTopicFilter.TryParse(filter, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NamedLevels_SubscribeAsSingleLevelWildcards()
    {
        var filter = MqttTopicFilter.TryParse("lighting/{controller}/{luminaire}/status", out _)!;

        Assert.Equal("lighting/+/+/status", filter.Filter);
        Assert.Equal([new TopicTag("controller", 1), new TopicTag("luminaire", 2)], filter.Tags);
    }
}
