namespace Loos.Edge.Mqtt.Mapping;

/// <summary>
/// How the messages of one topic filter become readings (site file: <c>mqtt:subscriptions[]</c>). Every key left
/// unset takes the value of the <see cref="Preset"/>, if one is named, else its own default.
/// </summary>
public sealed class MqttMappingOptions
{
    /// <summary>What the subscription (or the preset) is for, for people; not used by the gateway.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// The topic filter, with the MQTT wildcards <c>+</c> (one level) and <c>#</c> (the remaining levels, last), and
    /// named levels <c>{tag}</c>: a <c>{tag}</c> level matches like <c>+</c> and its text becomes the value of tag
    /// <c>tag</c>, e.g. <c>zigbee2mqtt/{device}</c>. Quote it in YAML when it starts with <c>{</c>. Required, here or
    /// in the preset.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>
    /// The preset supplying defaults for the other keys: the file <c>&lt;preset&gt;.yaml</c> in the preset directory
    /// (<c>zigbee2mqtt</c>, <c>shelly-gen2</c>, <c>tasmota</c>, <c>lighting-controller</c> ship with the gateway);
    /// none by default.
    /// </summary>
    public string? Preset { get; set; }

    /// <summary>
    /// <c>number</c> (the payload is one number, or a boolean word), <c>json</c> (an object whose <see cref="Fields"/>
    /// are read by path) or <c>line-protocol</c> (InfluxDB line protocol, one reading per field); <c>json</c> by default.
    /// </summary>
    public string? Payload { get; set; }

    /// <summary>The measurement of the series, for <c>number</c> and <c>json</c> payloads; required for those.</summary>
    public string? Measurement { get; set; }

    /// <summary>The field of a <c>number</c> payload's series; <c>value</c> by default.</summary>
    public string? Field { get; set; }

    /// <summary>The unit of a <c>number</c> payload, e.g. <c>W</c>; none by default.</summary>
    public string? Unit { get; set; }

    /// <summary>
    /// <c>float</c>, <c>integer</c> or <c>boolean</c>: how a <c>number</c> payload is written; <c>float</c> by default. A
    /// boolean payload may be <c>true</c>/<c>false</c>, <c>ON</c>/<c>OFF</c> (any case) or a number (0 is false).
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The unit of the timestamps of a <c>line-protocol</c> payload: <c>ns</c>, <c>us</c>, <c>ms</c> or <c>s</c>;
    /// <c>ns</c> by default. A line without a timestamp takes the time the message was received.
    /// </summary>
    public string? Precision { get; set; }

    /// <summary>
    /// Tags added to every series of the subscription, e.g. <c>building: ecole-basly</c>; merged over the preset's, and
    /// over a line-protocol payload's own tags of the same key. None by default.
    /// </summary>
    public Dictionary<string, string> Tags { get; init; } = [];

    /// <summary>
    /// The fields read from a <c>json</c> payload. A field with the name of a preset field replaces it; others are
    /// added. A field missing from a message is absent from its readings unless it is <c>required</c>. None by default.
    /// </summary>
    public List<MqttFieldOptions> Fields { get; init; } = [];

    /// <summary>
    /// Where a <c>json</c> payload carries its timestamp; by default (and in a message without it) readings take the
    /// time the message was received.
    /// </summary>
    public MqttTimestampOptions? Timestamp { get; set; }

    /// <summary>
    /// In a preset only: where the devices of the preset take commands (the lighting controllers' level); none by
    /// default.
    /// </summary>
    public MqttCommandOptions? Command { get; set; }
}

/// <summary>A preset's command topic and payload, for the gateway's outputs.</summary>
public sealed class MqttCommandOptions
{
    /// <summary>The topic, with the tags of the status topic in braces: <c>lighting/{controller}/{luminaire}/set</c>.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>The payload, with <c>{value}</c> for the commanded value: <c>{"level":{value}}</c>.</summary>
    public string Payload { get; set; } = string.Empty;

    /// <summary>The status field that reports the commanded value back (<c>level</c>).</summary>
    public string Field { get; set; } = string.Empty;

    /// <summary>The topic for one device: each <c>{tag}</c> replaced by its value.</summary>
    public string TopicFor(IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var topic = Topic;
        foreach (var (tag, value) in tags)
        {
            topic = topic.Replace("{" + tag + "}", value, StringComparison.Ordinal);
        }

        return topic;
    }

    /// <summary>The payload commanding <paramref name="value"/>.</summary>
    public string PayloadFor(int value) => Payload.Replace("{value}", value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>One field of a JSON payload (<c>mqtt:subscriptions[]:fields[]</c>).</summary>
public sealed class MqttFieldOptions
{
    /// <summary>The field of the series, e.g. <c>power</c>; required and unique within the subscription.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// Where the value is in the payload: property names separated by dots, array elements as <c>[index]</c>, e.g.
    /// <c>ENERGY.Power</c>, <c>switch:0.apower</c>, <c>channels[1].power</c>. A name may hold any character but a dot
    /// or <c>[</c>. The field's <see cref="Name"/> by default.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>The unit of the value after scaling, e.g. <c>W</c>; none by default.</summary>
    public string Unit { get; set; } = string.Empty;

    /// <summary>
    /// The factor the payload's number is multiplied by (value = raw × scale + offset); 1 by default. Not for
    /// booleans.
    /// </summary>
    public double Scale { get; set; } = 1;

    /// <summary>Added to the payload's number after <see cref="Scale"/>; 0 by default. Not for booleans.</summary>
    public double Offset { get; set; }

    /// <summary>
    /// <c>float</c>, <c>integer</c> or <c>boolean</c>; <c>float</c> by default. A number may also come as a JSON string
    /// (<c>"21.5"</c>); a boolean as JSON <c>true</c>/<c>false</c>, the strings <c>ON</c>/<c>OFF</c> or
    /// <c>true</c>/<c>false</c> (any case) or a number (0 is false). An integer field rejects a value with a fraction.
    /// </summary>
    public string Kind { get; set; } = "float";

    /// <summary>Whether a message without this field (or with it null) is rejected; false by default.</summary>
    public bool Required { get; set; }
}

/// <summary>Where a JSON payload carries the instant of its values (<c>mqtt:subscriptions[]:timestamp</c>).</summary>
public sealed class MqttTimestampOptions
{
    /// <summary>The path of the timestamp in the payload, in the syntax of <see cref="MqttFieldOptions.Path"/>; required.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <c>iso8601</c> (a JSON string), <c>unix-s</c> or <c>unix-ms</c> (a JSON number, fractions allowed), or an ISO and
    /// a Unix format joined by <c>|</c> (<c>iso8601|unix-ms</c>) for a source whose settings decide; <c>iso8601</c> by
    /// default.
    /// </summary>
    public string Format { get; set; } = "iso8601";

    /// <summary>
    /// The IANA time zone of an ISO 8601 timestamp written without an offset (local time, as Tasmota sends it); a
    /// time that the clocks skip or repeat at a daylight saving change is read with the zone's standard offset.
    /// <c>UTC</c> by default.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";
}
