namespace Portable.Functions.GoogleCloudFunctions;

/// <summary>The Functions Framework signature types (<c>FUNCTION_SIGNATURE_TYPE</c>).</summary>
public enum FunctionSignatureType
{
    /// <summary><c>http</c>: typed functions and HTTP functions.</summary>
    Http = 0,

    /// <summary><c>cloudevent</c>: event functions fed by CloudEvents (and converted legacy events).</summary>
    CloudEvent = 1,

    /// <summary><c>event</c>: legacy background events; served by event functions, converted to CloudEvents first.</summary>
    Event = 2,
}
