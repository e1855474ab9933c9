// ids.js: object and resource IDs of the location assistance plugin, each checked against the nRF Connect SDK / Zephyr
// sources (see docs/location-assistance.md for file and line).
// @ts-check

/** sdk-nrf include/net/lwm2m_client_utils_location.h: GROUND_FIX_OBJECT_ID 33626. */
export const GROUND_FIX = 33626;
/** sdk-nrf lwm2m/ground_fix_obj.c (and location/location_assistance.c): resource IDs. */
export const GF = { SEND_LOCATION_BACK: 0, RESULT_CODE: 1, LATITUDE: 2, LONGITUDE: 3, ACCURACY: 4 };

/** sdk-nrf include/net/lwm2m_client_utils_location.h: ECID_SIGNAL_MEASUREMENT_INFO_OBJECT_ID 10256. */
export const ECID = 10256;
/** sdk-nrf lwm2m/ecid_signal_meas_info.c: SIGNAL_MEAS_INFO_* resource IDs. */
export const EC = { PHYS_CELL_ID: 0, ECGI: 1, ARFCN_EUTRA: 2, RSRP_RESULT: 3, RSRQ_RESULT: 4, UE_RXTX_TIMEDIFF: 5 };

/** OMA object 6 Location (Zephyr lwm2m_obj_location.c LOCATION_*_ID). */
export const LOCATION = 6;
export const LOC = { LATITUDE: 0, LONGITUDE: 1, ALTITUDE: 2, RADIUS: 3, VELOCITY: 4, TIMESTAMP: 5, SPEED: 6 };

/** OMA object 4 Connectivity Monitoring (Zephyr lwm2m_obj_connmon.c CONNMON_* IDs). */
export const CONNMON = 4;
export const CM = { RADIO_SIGNAL_STRENGTH: 2, CELL_ID: 8, SMNC: 9, SMCC: 10, LAC: 12 };

/** sdk-nrf include/net/lwm2m_client_utils_location.h LOCATION_ASSIST_RESULT_CODE_*. */
export const RESULT = { OK: 0, PERMANENT_ERR: -1, TEMP_ERR: 1 };

/**
 * The paths a ground fix request sends (sdk-nrf location/location_assistance.c, do_ground_fix_request_send), in order:
 * /33626/0/0, /4/0/8 ECI, /4/0/9 MNC, /4/0/10 MCC, /4/0/2 RSRP, /4/0/12 LAC, then the whole /10256 object.
 * @type {ReadonlyArray<ReadonlyArray<number>>}
 */
export const GROUND_FIX_SEND_PATHS = [
  [GROUND_FIX, 0, GF.SEND_LOCATION_BACK],
  [CONNMON, 0, CM.CELL_ID],
  [CONNMON, 0, CM.SMNC],
  [CONNMON, 0, CM.SMCC],
  [CONNMON, 0, CM.RADIO_SIGNAL_STRENGTH],
  [CONNMON, 0, CM.LAC],
  [ECID],
];

/** sdk-nrf include/net/lwm2m_client_utils_location.h: GNSS_ASSIST_OBJECT_ID 33625. */
export const GNSS_ASSIST = 33625;
/** sdk-nrf lwm2m/gnss_assistance_obj.c (and location/location_assistance.c): GNSS_ASSIST_* resource IDs. */
export const GA = {
  ASSIST_TYPE: 0,
  AGPS_MASK: 1,
  PGPS_PRED_COUNT: 2,
  PGPS_PRED_INTERVAL: 3,
  PGPS_START_GPS_DAY: 4,
  PGPS_START_GPS_TIME_OF_DAY: 5,
  ASSIST_DATA: 6,
  RESULT_CODE: 7,
  ELEVATION_MASK: 8,
};
/**
 * gnss_assistance_obj.c ASSISTANCE_REQUEST_TYPE_* (0 A-GPS, 1 P-GPS); 2 XTRA file is this product's extension (a
 * Qualcomm XTRA file for BG95 / SIM7080 receivers: docs/location-assistance.md).
 */
export const ASSIST_TYPE = { AGPS: 0, PGPS: 1, XTRA: 2 };

/** A-GPS request paths (location_assistance.c do_agps_request_send): the elevation mask only when it is set (>= 0). */
export function agpsSendPaths(withElevationMask = false) {
  return [
    [GNSS_ASSIST, 0, GA.ASSIST_TYPE],
    [GNSS_ASSIST, 0, GA.AGPS_MASK],
    [CONNMON, 0, CM.CELL_ID],
    [CONNMON, 0, CM.SMNC],
    [CONNMON, 0, CM.SMCC],
    [CONNMON, 0, CM.RADIO_SIGNAL_STRENGTH],
    [CONNMON, 0, CM.LAC],
    ...(withElevationMask ? [[GNSS_ASSIST, 0, GA.ELEVATION_MASK]] : []),
  ];
}

/** XTRA request paths (this product's extension): the type alone; the file does not depend on the cell. */
export function xtraSendPaths() {
  return [[GNSS_ASSIST, 0, GA.ASSIST_TYPE]];
}

/**
 * OMNA object 3430 "Global Navigation Satellite System" (uCIFI, version 2.0): the resources the plugin keeps, in
 * particular 13 Fix type, the registered way to say where /6's position came from, and 26 Power command, the server's
 * way to ask for a fix (docs/location-assistance.md "Which source").
 */
export const GNSS_OBJECT = 3430;
export const GN = {
  FIX_TIMESTAMP: 0,
  LATITUDE: 1,
  LONGITUDE: 2,
  ALTITUDE: 3,
  HEADING: 5,
  RADIUS: 6,
  FIX_TYPE: 13,
  USED_SATELLITES: 15,
  POWER_COMMAND: 26,
  STATUS: 28,
};
/**
 * 3430/13 values: 0 no fix, 1 autonomous GNSS fix, 8 manual input — which the DDF names for "no fix is possible, but
 * assisted position is provided" (here: the server's ground fix from the cells).
 */
export const FIX_TYPE = { NONE: 0, GNSS: 1, ASSISTED_POSITION: 8 };

/** P-GPS request paths (location_assistance.c do_pgps_request_send): the start day only when it is not 0. */
export function pgpsSendPaths(withStartDay = false) {
  return [
    [GNSS_ASSIST, 0, GA.ASSIST_TYPE],
    [GNSS_ASSIST, 0, GA.PGPS_PRED_COUNT],
    [GNSS_ASSIST, 0, GA.PGPS_PRED_INTERVAL],
    [GNSS_ASSIST, 0, GA.PGPS_START_GPS_TIME_OF_DAY],
    ...(withStartDay ? [[GNSS_ASSIST, 0, GA.PGPS_START_GPS_DAY]] : []),
  ];
}
