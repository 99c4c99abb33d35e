import "../styles/base.css";
import "../styles/popup.css";
import { mount } from "../popup";

mount(document.body);
